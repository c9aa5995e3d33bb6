"""gdviz: make gradient descent visible.

One numpy optimizer core (exactly torch.optim's update rules, batched) produces trajectories that
feed matplotlib figures, Manim lecture videos and a self-contained HTML report.
"""

__version__ = "0.1.0"
