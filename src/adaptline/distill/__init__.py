"""Knowledge distillation of the merged SFT model (teacher) into a smaller student sharing its tokenizer."""

from adaptline.log import quiet_model_library_notices

quiet_model_library_notices()  # before the model libraries load (train.py imports transformers at its top)
