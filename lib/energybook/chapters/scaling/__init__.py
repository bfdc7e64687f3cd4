"""Chapter scaling: is accelerator performance per watt plateauing, and where did the gains come from?"""
