"""Comments and replies: which comments ask something or need the brand's answer (pure heuristics, read by the
dbt Python model int_comments_classified)."""

from pipelines.conversations.heuristics import CommentClass, classify_comment, is_question

__all__ = ["CommentClass", "classify_comment", "is_question"]
