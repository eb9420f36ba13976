"""Agreement documents: HTML from the structured data, PDF (WeasyPrint), PAdES signature (pyHanko), ODRL.

Each step is a function returning bytes or text; services decide when to call them and cache the results.
"""
