"""The demo meeting (`flask seed demo`): the go-cluster annual meeting of 2022, rebuilt through
the services of every feature from the facts in clustertreffen-2022.json."""
