"""Prompt and answer token ids exactly as the engine builds them for one image and one question.

The engine renders `<|user|>\n<|image_1|>\n{question}<|end|>\n<|assistant|>\n` and tokenizes the text around the
image marker: BOS plus the first chunk, then one placeholder (-1) per visual token, then the second chunk. The model
is trained to answer with the answer's tokens followed by <|end|>, which ends generation.
"""
BOS_ID = 1


class Prompts:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.end_id = tokenizer.id("<|end|>")
        self.head = [BOS_ID] + tokenizer.encode(self.head_text())

    @staticmethod
    def head_text():
        return "<|user|>\n"

    @staticmethod
    def tail_text(question):
        return "\n" + question + "<|end|>\n<|assistant|>\n"

    def tail(self, question):
        return self.tokenizer.encode(self.tail_text(question))

    def answer(self, answer):
        return self.tokenizer.encode(answer) + [self.end_id]
