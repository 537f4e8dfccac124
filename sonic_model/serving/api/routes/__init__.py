"""One router per group of endpoints; ``api.main.create_app`` includes them all."""
