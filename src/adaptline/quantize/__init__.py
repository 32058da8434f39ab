"""Deployment quantization: torchao QAT and PTQ, torchao checkpoint export, GGUF export."""

from adaptline.log import quiet_model_library_notices

quiet_model_library_notices()  # before torchao loads (qat and scheme import it at their top)
