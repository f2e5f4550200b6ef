"""Code that runs inside the Rasa server's own Python environment.

Nothing here may import the gateway, the actions or the knowledge packages: the Rasa
server runs on Python 3.10 with Rasa's pinned libraries, and they run on 3.11.
"""
