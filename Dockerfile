# The portal in production: gunicorn with production settings. See README "Running in production".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=portal.settings.production
WORKDIR /app

COPY pyproject.toml README.md ./
COPY portal portal
COPY practices practices
COPY search search
COPY locale locale
COPY manage.py ./
RUN pip install --no-cache-dir '.[production]' \
 && DJANGO_SECRET_KEY=build-only-collectstatic DJANGO_ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
 && useradd --system --home /app portal && mkdir -p /app/var/media && chown -R portal /app/var

USER portal
EXPOSE 8000
# Asks as the proxy in front would: for an allowed host, over HTTPS (so no redirect to it).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python -c "import os, sys, urllib.request as u; host = os.environ['DJANGO_ALLOWED_HOSTS'].split(',')[0]; \
r = u.Request('http://127.0.0.1:8000/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'}); \
sys.exit(u.urlopen(r).status != 200)"
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py createcachetable && python manage.py setup_portal && exec gunicorn portal.wsgi --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --timeout 60 --access-logfile -"]
