"""gridgov settings: one base, every difference between machines comes from the environment.

Production needs at least SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL; everything
else has a safe default. DEBUG is off unless DEBUG=1 is set.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gridgov.env import env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("GRIDGOV_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "gridgov.apps.GridgovAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "mptt",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc as our own static files
    "axes",
    "gridgov.apps.GridgovConfig",
    "grids",
    "staff",
    "cases",
    "services",
]

MIDDLEWARE = [
    # First, so that every response carries it, static files and error pages included.
    "gridgov.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: an oversize request is refused from its Content-Length.
    "gridgov.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gridgov.middleware.LanguageMiddleware",
    # Before anything reads the request: every text that enters is cleaned in one place.
    "gridgov.cleaning.InputCleaningMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gridgov.context_processors.bell",
            ],
        },
    },
]

FORM_RENDERER = "gridgov.widgets.FormRenderer"

# Database: SQLite by default (embedded), PostgreSQL in production via DATABASE_URL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gridgov.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # On a fresh clone var/ does not exist yet, and SQLite will not make the folder.
    _sqlite_name = str(DATABASES["default"]["NAME"])
    if _sqlite_name and _sqlite_name != ":memory:":
        Path(_sqlite_name).parent.mkdir(parents=True, exist_ok=True)
    # The web process, the worker and beat share one file: WAL lets readers run beside a
    # writer, IMMEDIATE takes the write lock at BEGIN (no deadlock on lock upgrade), and the
    # timeout makes a writer wait instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": None}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Web pages run many short queries; on a small database server, starting parallel workers
    # costs more than it saves (bench/dashboard.py: the town dashboard 104 → 95 ms with 0).
    # Raise it on a big server if county-wide reports need it.
    _parallel = env_int("PG_MAX_PARALLEL_WORKERS_PER_GATHER", 0)
    # JIT compiling pays off for long analytic queries, not for pages: the county dashboard
    # spent 93 of its 365 ms compiling (bench/growth.py).
    _jit = "on" if env_bool("PG_JIT", False) else "off"
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={_parallel} -c jit={_jit}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username + IP before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: locked per username on one IP, so that an attacker cannot lock a worker out
# from elsewhere, and a whole township office behind one NAT address is not locked out either.
# One IP is locked as a whole after AXES_IP_FAILURE_LIMIT failures within the cool-off, whatever
# the usernames (password spraying); a success clears only that username's own count
# (gridgov/throttle.py).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "gridgov.throttle.LoginThrottle"
AXES_USERNAME_CALLABLE = "gridgov.throttle.recorded_username"
AXES_LOCKOUT_CALLABLE = "gridgov.views.lockout"
# The client's address: behind PROXY_COUNT trusted reverse proxies, read from X-Forwarded-For;
# with none, only REMOTE_ADDR (a forged X-Forwarded-For must not dodge the lockout).
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if PROXY_COUNT else ["REMOTE_ADDR"]
)
AXES_VERBOSE = False

# Language and time: Chinese first, English complete; Beijing time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production serves hashed, compressed files collected by `collectstatic`.
        "BACKEND": env(
            "STATIC_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
# Look a file up when it is asked for rather than list every static file when the app starts:
# what development wants, and the tests, whose every test client starts the app anew.
WHITENOISE_AUTOREFRESH = env_bool("WHITENOISE_AUTOREFRESH", DEBUG)
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# Uploads. A phone photo needs no more than 25 megapixels (cases/photos.py refuses more from
# the header, before decoding). Form fields other than files stay small; files above
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, not memory. A whole request may carry a
# full report (cases.photos: 6 photos of at most 8 MB) and its fields: the reverse proxy's
# client_max_body_size must be at least this (docs/operations.md).
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 25_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
GRIDGOV_MAX_REQUEST_BYTES = env_int("MAX_REQUEST_MB", 50) * 1024 * 1024

# Security: safe by default, relaxed only by the environment.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Preloading puts the domain into the browsers' built-in HTTPS-only list: a one-way commitment
# that also binds every subdomain, so a county chooses it (SECURE_HSTS_PRELOAD=1), it is not a
# default. Django's deploy check warns when it is off (security.W021): that is this choice.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Redis (broker and cache) when REDIS_URL is set; the embedded default needs neither.
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    # The cache only saves work: a hung Redis must cost a page ~50 ms once, not seconds on every
    # call. A failed call opens a breaker for CACHE_BREAKER_SECONDS (gridgov/cache.py).
    _cache_timeout = env_int("CACHE_TIMEOUT_MS", 50) / 1000
    CACHES = {
        "default": {
            "BACKEND": "gridgov.cache.FailFastRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": _cache_timeout,
                "socket_timeout": _cache_timeout,
                "breaker_seconds": env_int("CACHE_BREAKER_SECONDS", 30),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis when REDIS_URL is set, else the filesystem broker under var/celery/.
CELERY_DATA_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"socket_connect_timeout": 2, "socket_timeout": 5, "visibility_timeout": 3600}
    if REDIS_URL
    else {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        # Else kombu keeps its broadcast exchange in ./control, wherever the process started.
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The API door (/api/v1/, docs/api.md): systems with a key, people with their session; one
# error shape; cursor pages; requests per client and per person throttled (per minute by
# default, in the cache: shared between processes with Redis).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gridgov.api.auth.ApiKeyAuthentication",
        "gridgov.api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["gridgov.api.permissions.ApiDoor"],
    "DEFAULT_THROTTLE_CLASSES": [
        "gridgov.api.throttles.ClientRateThrottle",
        "gridgov.api.throttles.PersonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_client": env("API_CLIENT_RATE", "600/min"),
        "api_person": env("API_PERSON_RATE", "120/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "gridgov.api.pagination.Cursor",
    "DEFAULT_PARSER_CLASSES": ["gridgov.api.parsers.CleanJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "gridgov.api.errors.problem_handler",
    "DEFAULT_SCHEMA_CLASS": "gridgov.api.schema.ApiSchema",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gridgov API",
    "DESCRIPTION": (
        "Cases, the tree, county calls and figures of gridgov, for other systems (with an API "
        "key) and the pages' own scripts (with a session). docs/api.md tells the whole story."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_AUTHENTICATION": [],
    "ENUM_NAME_OVERRIDES": {
        "ColorEnum": "cases.models.choices.Color",
        "NodeKindEnum": "grids.models.tree.Kind",
        "UnitKindEnum": "cases.models.units.Unit.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_in_one_line": {"()": "gridgov.log.ClientErrorsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # A 403 or 404 is a refused or mistyped request, not a bug: one line, no traceback.
        "django.request": {"filters": ["client_errors_in_one_line"]},
    },
}

# How many failed-login records to keep (days); older ones are purged by beat.
GRIDGOV_ACCESS_LOG_DAYS = env_int("GRIDGOV_ACCESS_LOG_DAYS", 90)

# Hosts besides the WeCom and DingTalk robots that towns' group robots may post to (a county's
# own gateway): "host[:port]" for https, or a whole origin such as "http://10.2.0.8:8080".
GRIDGOV_ROBOT_EXTRA_HOSTS = env_list("GRIDGOV_ROBOT_EXTRA_HOSTS", [])

# The residents' door (/g/). Reports: at most so many a day from one phone number and from one
# address (the messages say the numbers); a form sent sooner than MIN_SECONDS after it was
# shown is a robot's. Tracking codes: after so many wrong codes from one address within the
# cool-off, the address is refused (429) until it ends, as a login is.
GRIDGOV_PUBLIC_REPORTS_PER_PHONE = env_int("GRIDGOV_PUBLIC_REPORTS_PER_PHONE", 5)
GRIDGOV_PUBLIC_REPORTS_PER_IP = env_int("GRIDGOV_PUBLIC_REPORTS_PER_IP", 20)
GRIDGOV_PUBLIC_REPORT_MIN_SECONDS = env_int("GRIDGOV_PUBLIC_REPORT_MIN_SECONDS", 5)
GRIDGOV_PUBLIC_TRACK_FAILURES = env_int("GRIDGOV_PUBLIC_TRACK_FAILURES", 10)
GRIDGOV_PUBLIC_TRACK_COOLOFF_MINUTES = env_int("GRIDGOV_PUBLIC_TRACK_COOLOFF_MINUTES", 15)
# Where residents reach gridgov ("https://grid.example.gov.cn"), for the links in text
# messages; empty: a message names the tracking code and the page's path only.
GRIDGOV_PUBLIC_BASE_URL = env("GRIDGOV_PUBLIC_BASE_URL", "").rstrip("/")

# Text messages to residents (gridgov/sms.py): a dotted path to a backend with
# send(phone, text). The console backend logs them; the file backend writes them under
# GRIDGOV_VAR_DIR/sms/; a county's gateway is its own backend, named here.
GRIDGOV_SMS_BACKEND = env("GRIDGOV_SMS_BACKEND", "gridgov.sms.ConsoleBackend")
GRIDGOV_SMS_DIR = VAR_DIR / "sms"

# The 12345 hotline's work orders (docs/hotline.md). Attachments given by address are fetched
# only from these origins ("host[:port]" for https, or a whole origin such as
# "http://10.2.0.8:8080"); empty, the default: none is fetched and an order naming one is
# refused. A hotline's webhook is https to a host on the internet, or one of the origins in
# GRIDGOV_HOTLINE_HTTP_HOSTS. A town signs for an order within RESPONSE_HOURS unless the
# hotline's settings say otherwise.
GRIDGOV_HOTLINE_ATTACHMENT_HOSTS = env_list("GRIDGOV_HOTLINE_ATTACHMENT_HOSTS", [])
GRIDGOV_HOTLINE_HTTP_HOSTS = env_list("GRIDGOV_HOTLINE_HTTP_HOSTS", [])
GRIDGOV_HOTLINE_RESPONSE_HOURS = env_int("GRIDGOV_HOTLINE_RESPONSE_HOURS", 2)
