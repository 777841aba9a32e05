"""Cases, their history, mediations, the triage policy and county calls: see the Cases issue."""
