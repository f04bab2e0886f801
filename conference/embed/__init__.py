"""The events of a network or an organisation, and their registration forms, inside its own website."""
