"""The territory model (pure geometry) and its area figures."""
