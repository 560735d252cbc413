# One image for the web process (gunicorn), the Celery worker and Celery beat; see
# docker-compose.yml. Configuration comes from the environment at run time (.env.example).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # gunicorn's number of worker processes (it reads this variable itself).
    WEB_CONCURRENCY=3

# WeasyPrint's system libraries (Pango, HarfBuzz subsetting) and a font for the PDFs;
# gettext to compile the translation catalogue below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

# The processes run as this user; the code stays root-owned and read-only to it.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin app \
    && install -d -o app -g app /var/lib/familieberedskab \
    && install -d -m 700 -o app -g app /srv/private-media

WORKDIR /app
# The pinned runtime dependencies first, so that a code change reuses this layer. (The lock's
# --extra-index-url/--find-links lines name local mirrors of the machine that wrote it; where
# they don't exist pip warns and installs from PyPI.)
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image (whitenoise serves them, hashed and compressed).
# Settings with DEBUG=false refuse to load without secrets, so this one command gets
# throw-away values; they are not kept in the image and are never used at run time.
RUN DEBUG=false \
    SECRET_KEY=build-only-not-a-secret \
    CPR_ENCRYPTION_KEY=YnVpbGQtb25seS1ub3QtYS1rZXktMDAwMDAwMDAwMDA= \
    CPR_HMAC_KEY=build-only-not-a-secret \
    PSEUDONYM_KEY=build-only-not-a-secret \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input -v 0 \
    && python manage.py compilemessages -v 0

USER app
EXPOSE 8000
# The web process. docker-compose.yml runs `migrate` before it, and the worker and beat
# with their own commands.
CMD ["gunicorn", "familieberedskab.wsgi", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", "--no-control-socket"]
