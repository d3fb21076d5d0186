"""The demo meeting: the go-cluster annual meeting of 2022, rebuilt through the services."""
