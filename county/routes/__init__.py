"""The county's HTTP endpoints, one router per audience: stations (sync) and county staff."""
