"""One module per screen. Screens reach the database only through ``self.app.store``'s repositories."""
