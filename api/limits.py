"""Limits on a GraphQL document that apply to every field, introspection included.

Strawberry's QueryDepthLimiter skips the ``__schema``/``__type`` fields, so a deeply
nested introspection query went through; :func:`depth_rule` counts them like any
other field (root fields are depth 0, as before). Aliases are counted by strawberry's
MaxAliasesLimiter, which already sees introspection fields. One exception: ``ofType``
adds no depth. It follows a type's wrappers (``[Profile!]!`` is three), never fans out,
and the standard introspection query that GraphiQL and code generators send nests it
ten deep. Introspection as a whole
can be switched off (``GRAPH_CDP_INTROSPECTION=false``), and a document holding several
operations must name the one to run.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from api.errors import QUERY_TOO_DEEP

OPERATION_NAME_REQUIRED = "OPERATION_NAME_REQUIRED"
INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
_WRAPPER_FIELD = "ofType"  # __Type.ofType: the type a list or non-null wraps


def _depth(
    selections: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str],
    limit: int,
    at: int = 0,
) -> int:
    """The deepest field below ``selections`` (whose fields sit at depth ``at``)."""
    if selections is None:
        return at - 1
    deepest = at - 1
    for node in selections.selections:
        if isinstance(node, FieldNode):
            deepest = max(deepest, at)
            below = at if node.name.value == _WRAPPER_FIELD else at + 1
            if node.selection_set is not None and at <= limit:  # deeper is already too deep
                deepest = max(deepest, _depth(node.selection_set, fragments, seen, limit, below))
        elif isinstance(node, InlineFragmentNode):
            deepest = max(deepest, _depth(node.selection_set, fragments, seen, limit, at))
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                deepest = max(
                    deepest, _depth(fragment.selection_set, fragments, seen | {name}, limit, at)
                )
    return deepest


def depth_rule(max_depth: int) -> type[ASTValidationRule]:
    """A validation rule: no operation nests fields deeper than ``max_depth``."""

    class MaxDepth(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            for definition in document.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                depth = _depth(definition.selection_set, fragments, frozenset(), max_depth)
                if depth > max_depth:
                    name = definition.name.value if definition.name else "anonymous"
                    context.report_error(
                        GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {max_depth}",
                            definition,
                            extensions={"code": QUERY_TOO_DEEP},
                        )
                    )

    return MaxDepth


class NoIntrospection(NoSchemaIntrospectionCustomRule):
    """graphql-core's rule, with our code on what it reports."""

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "code": INTROSPECTION_DISABLED}
        super().report_error(error)


class OneOperation(SchemaExtension):
    """A document with several operations runs only the one ``operationName`` names."""

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        document = ec.graphql_document
        # ec.operation_name falls back to the first operation's name; what the client sent
        # is kept only here (strawberry 0.341 has no public accessor for it).
        sent = getattr(ec, "_provided_operation_name", None)
        if sent is None and document is not None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                names = ", ".join(d.name.value if d.name else "(anonymous)" for d in operations)
                # Set before validation runs: strawberry then skips it and answers this error.
                ec.pre_execution_errors = [
                    GraphQLError(
                        f"The document holds {len(operations)} operations ({names}): send "
                        f"operationName to say which one to run",
                        extensions={"code": OPERATION_NAME_REQUIRED},
                    )
                ]
        yield
