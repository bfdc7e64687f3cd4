"""Ambition Creep: the shared library behind the executable book.

Importing the package is cheap: it pulls in no plotting, data or notebook stack, so the GPU
measurement harness (``energybook.measure``) can run on a bare machine with PyTorch alone.
"""

__version__ = "0.1.0"
