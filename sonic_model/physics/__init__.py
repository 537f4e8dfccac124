"""Rock physics without learning: mudrock and Greenberg-Castagna shear, elastic logs, the shear
prior, the borehole (bit size, washout) and checks of a measured sonic. Imports core and io.
"""
