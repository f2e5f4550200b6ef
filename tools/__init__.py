"""Developer tools: the local stack launcher and helpers for make targets."""
