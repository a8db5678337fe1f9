"""What needs attention on which case, and why: one small function per reason."""

from tracker.services.attention.collect import CaseAttention, attention_by_case, items_for
from tracker.services.attention.reasons import REASONS, AttentionItem

__all__ = ["REASONS", "AttentionItem", "CaseAttention", "attention_by_case", "items_for"]
