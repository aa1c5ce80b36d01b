def extract_pdf(data): raise NotImplementedError
