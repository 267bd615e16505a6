"""Cut an ONNX model in two at one tensor, working on its encoded bytes.

Piper's voices are one graph: a text encoder, a duration predictor and a flow make latent frames, and a HiFi-GAN
decoder turns them into samples. The decoder's buffers grow with the audio made in one run (about 20 MB per
second), though each sample depends only on a few frames either side. Cut in two, the decoder can go over a
long sentence a slice at a time, while the sentence still gets its prosody from one encoder run.

Only the few protobuf fields that say how the graph is wired are read; everything else (weights, attributes,
opsets) is copied through byte for byte, so no `onnx` package is needed and no second copy of the weights is
decoded into Python objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# Field numbers from onnx.proto, which ONNX keeps stable across versions.
_MODEL_GRAPH = 7
_GRAPH_NODE, _GRAPH_INITIALIZER, _GRAPH_INPUT, _GRAPH_OUTPUT, _GRAPH_VALUE_INFO = 1, 5, 11, 12, 13
_GRAPH_SPARSE_INITIALIZER = 15
_NODE_INPUT, _NODE_OUTPUT, _NODE_NAME, _NODE_OP_TYPE = 1, 2, 3, 4
_TENSOR_NAME = 8
_VALUE_INFO_NAME = 1
_LENGTH_DELIMITED = 2
# Nodes whose attributes hold graphs that may read the outer graph's tensors by name; a cut would miss them.
_SUBGRAPH_OPS = frozenset({"If", "Loop", "Scan"})


@dataclass(frozen=True)
class _Field:
    number: int
    encoded: memoryview  # tag, length and value, as in the file
    value: memoryview  # the value of a length-delimited field (empty for the others)


@dataclass(frozen=True)
class _Node:
    encoded: memoryview
    name: str
    op_type: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class ModelHalves:
    """The two models a cut makes: `encoder` ends at `tensor`, `decoder` starts from it. Each is encoded in
    parts, most of them views of the source model: write them one after another, or join them."""

    encoder: list[bytes | memoryview]
    decoder: list[bytes | memoryview]
    tensor: str


def split_model(model: bytes | memoryview, decoder_prefix: str) -> ModelHalves:
    """Cut `model` at the one tensor that enters the nodes named `decoder_prefix`… from outside them.

    Raises ValueError when the graph has no such single tensor, or when either half would need more than its
    side of the cut (the decoder a graph input, or either a node with subgraphs).
    """
    top = list(_fields(memoryview(model)))
    graph_fields = [field for field in top if field.number == _MODEL_GRAPH]
    if len(graph_fields) != 1:
        raise ValueError("the model has no graph")
    graph = list(_fields(graph_fields[0].value))
    nodes = [_node(field) for field in graph if field.number == _GRAPH_NODE]
    if any(node.op_type in _SUBGRAPH_OPS for node in nodes):
        raise ValueError("the graph has nodes with subgraphs")
    if any(field.number == _GRAPH_SPARSE_INITIALIZER for field in graph):
        raise ValueError("the graph has sparse initializers")
    tensor = _entry_tensor(nodes, decoder_prefix)
    initializers = {_string(field.value, _TENSOR_NAME): field for field in graph if field.number == _GRAPH_INITIALIZER}
    inputs = [field for field in graph if field.number == _GRAPH_INPUT]
    outputs = [field for field in graph if field.number == _GRAPH_OUTPUT]
    described = [field for field in graph if field.number == _GRAPH_VALUE_INFO
                 and _string(field.value, _VALUE_INFO_NAME) == tensor]
    if not described:
        raise ValueError(f"the graph does not describe {tensor!r}")
    boundary = described[0].value
    graph_inputs = {_string(field.value, _VALUE_INFO_NAME) for field in inputs}

    encoder_nodes = _needed(nodes, [tensor], available=graph_inputs | initializers.keys())
    decoder_nodes = _needed(nodes, [_string(field.value, _VALUE_INFO_NAME) for field in outputs],
                            available={tensor} | initializers.keys())
    # Everything else in the graph (its name, docs) is kept; shape notes (value_info) are left for onnxruntime to
    # infer again, as they would describe tensors a half no longer has.
    rest = [field.encoded for field in graph if field.number not in
            (_GRAPH_NODE, _GRAPH_INITIALIZER, _GRAPH_INPUT, _GRAPH_OUTPUT, _GRAPH_VALUE_INFO)]
    encoder_graph: list[bytes | memoryview] = [
        *(node.encoded for node in encoder_nodes), *rest, *_initializers_of(encoder_nodes, initializers),
        *(field.encoded for field in inputs), _encode(_GRAPH_OUTPUT, boundary)]
    decoder_graph: list[bytes | memoryview] = [
        *(node.encoded for node in decoder_nodes), *rest, *_initializers_of(decoder_nodes, initializers),
        _encode(_GRAPH_INPUT, boundary), *(field.encoded for field in outputs)]
    return ModelHalves(_model(top, encoder_graph), _model(top, decoder_graph), tensor)


def _entry_tensor(nodes: list[_Node], prefix: str) -> str:
    inside = [node for node in nodes if node.name.startswith(prefix)]
    made_inside = {output for node in inside for output in node.outputs}
    made_elsewhere = {output for node in nodes if not node.name.startswith(prefix) for output in node.outputs}
    entering = {name for node in inside for name in node.inputs if name in made_elsewhere and name not in made_inside}
    if len(entering) != 1:
        raise ValueError(f"{len(entering)} tensors enter the nodes named {prefix!r}…; the cut needs exactly one")
    return entering.pop()


def _needed(nodes: list[_Node], targets: list[str], available: set[str]) -> list[_Node]:
    """The nodes that make `targets` from `available` tensors, in the graph's order."""
    producer = {output: index for index, node in enumerate(nodes) for output in node.outputs}
    chosen: set[int] = set()
    pending = list(targets)
    while pending:
        name = pending.pop()
        if not name or name in available:
            continue
        if name not in producer:
            raise ValueError(f"{name!r} would be needed from the other side of the cut")
        index = producer[name]
        if index not in chosen:
            chosen.add(index)
            pending.extend(nodes[index].inputs)
    return [nodes[index] for index in sorted(chosen)]


def _initializers_of(nodes: list[_Node], initializers: dict[str, _Field]) -> Iterator[memoryview]:
    used = {name for node in nodes for name in node.inputs}
    return (field.encoded for name, field in initializers.items() if name in used)


def _model(top: list[_Field], graph: list[bytes | memoryview]) -> list[bytes | memoryview]:
    parts: list[bytes | memoryview] = [field.encoded for field in top if field.number != _MODEL_GRAPH]
    return [*parts, _tag(_MODEL_GRAPH, sum(len(part) for part in graph)), *graph]


def _node(field: _Field) -> _Node:
    inputs: list[str] = []
    outputs: list[str] = []
    name = op_type = ""
    for part in _fields(field.value):
        if part.number == _NODE_INPUT:
            inputs.append(bytes(part.value).decode())
        elif part.number == _NODE_OUTPUT:
            outputs.append(bytes(part.value).decode())
        elif part.number == _NODE_NAME:
            name = bytes(part.value).decode()
        elif part.number == _NODE_OP_TYPE:
            op_type = bytes(part.value).decode()
    return _Node(field.encoded, name, op_type, tuple(inputs), tuple(outputs))


def _string(message: memoryview, number: int) -> str:
    found = ""
    for part in _fields(message):
        if part.number == number:
            found = bytes(part.value).decode()  # protobuf: the last occurrence of a field wins
    return found


def _fields(data: memoryview) -> Iterator[_Field]:
    position = 0
    while position < len(data):
        start = position
        key, position = _varint(data, position)
        number, wire_type = key >> 3, key & 7
        value_start = position
        if wire_type == 0:
            _, position = _varint(data, position)
        elif wire_type == 1:
            position += 8
        elif wire_type == 5:
            position += 4
        elif wire_type == _LENGTH_DELIMITED:
            length, value_start = _varint(data, position)
            position = value_start + length
        else:
            raise ValueError(f"unsupported protobuf wire type {wire_type}")
        if position > len(data):
            raise ValueError("the model is truncated")
        value = data[value_start:position] if wire_type == _LENGTH_DELIMITED else data[0:0]
        yield _Field(number, data[start:position], value)


def _varint(data: memoryview, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if position >= len(data):
            raise ValueError("the model is truncated")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, position
        shift += 7


def _encode(number: int, value: memoryview | bytes) -> bytes:
    return _tag(number, len(value)) + bytes(value)


def _tag(number: int, length: int) -> bytes:
    return _to_varint(number << 3 | _LENGTH_DELIMITED) + _to_varint(length)


def _to_varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)

