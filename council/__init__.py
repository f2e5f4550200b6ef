"""The council's domain layer: services shared by the actions and the gateway."""
