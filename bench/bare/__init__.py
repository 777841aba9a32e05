"""A bare Django + DRF project: the baseline gridgov's requests are measured against.

One small model, a ModelSerializer, a ModelViewSet (create and retrieve) and one plain page,
with the settings a careful production deployment of any Django project would have: DEBUG
off, persistent database connections, JSON only. Nothing in it is gridgov's."""
