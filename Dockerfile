# rnnkit as a container: CPU-only torch, models baked in, non-root, health-checked.
#
#   docker build -t rnnkit .
#   docker run --rm -p 8501:8501 rnnkit          # then open http://localhost:8501
#
# See docs/DEPLOY.md for hosting it (Streamlit Community Cloud, or replicas behind a load balancer).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0

WORKDIR /app

# 1. CPU torch first, from PyTorch's CPU index: the plain PyPI wheel is the CUDA build (several GB).
#    requirements.txt pins torch==2.13.0, which this 2.13.0+cpu wheel already satisfies.
COPY requirements.txt .
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==$(sed -n 's/^torch==//p' requirements.txt)" \
 && pip install -r requirements.txt

# 2. The code, the data and the trained models (pretrained/ is committed: the image needs no download at
#    run time and every replica serves the same weights).
COPY . .
RUN pip install --no-deps -e .

# 3. A non-root user owns nothing but its home; the app files stay read-only for it.
RUN useradd --create-home --uid 10001 rnnkit
USER rnnkit

# 4. Refuse to build an image whose pages fail: every page is opened once (models loaded from the image).
RUN python -m scripts.smoke_pages

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"

CMD ["streamlit", "run", "app.py"]
