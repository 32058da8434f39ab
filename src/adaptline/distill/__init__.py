"""Knowledge distillation of the merged SFT model (teacher) into a smaller student sharing its tokenizer."""
