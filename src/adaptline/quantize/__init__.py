"""Deployment quantization: torchao QAT and PTQ, torchao checkpoint export, GGUF export."""
