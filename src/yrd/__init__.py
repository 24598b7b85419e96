"""yrd — the Yangtze River Delta Integration Observatory."""
__version__ = "0.1.0"
