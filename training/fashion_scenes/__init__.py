"""Training code of the Fashion-MNIST scenes demo model (see training/README.md)."""
