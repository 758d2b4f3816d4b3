#!/usr/bin/python3
"""Where the bytes of an ONNX file go: initializers by element type and rank, node fields, names, attributes.

Usage: /usr/bin/python3 scripts/onnx-size-breakdown.py MODEL.onnx   (Debian python3-onnx; docs/optimization.md uses it)
Sizes are serialized protobuf bytes, so names, dims and headers are included where they are stored.
"""
import collections
import sys

import onnx


def size(message):
    return len(message.SerializeToString())


def main(path):
    model = onnx.load(path)
    graph = model.graph
    print(f"{path}: {size(model)} bytes")

    by_kind, count = collections.Counter(), collections.Counter()
    for t in graph.initializer:
        kind = f"{onnx.TensorProto.DataType.Name(t.data_type)} rank {len(t.dims)}"
        by_kind[kind] += size(t) + 3  # + field tag and length
        count[kind] += 1
    print("initializers:")
    for kind, n in by_kind.most_common():
        print(f"  {kind:16s} {count[kind]:5d} tensors {n:9d} bytes")
    print(f"  (of which tensor data {sum(len(t.raw_data) for t in graph.initializer)}, names {sum(len(t.name) for t in graph.initializer)})")

    nodes = sum(size(n) + 3 for n in graph.node)
    print(f"nodes: {len(graph.node)} nodes {nodes} bytes; node names {sum(len(n.name) for n in graph.node)}, "
          f"value names {sum(len(v) for n in graph.node for v in list(n.input) + list(n.output))}, "
          f"attributes {sum(size(a) + 2 for n in graph.node for a in n.attribute)}, op types {sum(len(n.op_type) + 2 for n in graph.node)}, "
          f"doc strings {sum(len(n.doc_string) for n in graph.node)}")
    by_op, ops = collections.Counter(), collections.Counter()
    for n in graph.node:
        by_op[n.op_type] += size(n) + 3
        ops[n.op_type] += 1
    for op, n in by_op.most_common():
        print(f"  {op:24s} {ops[op]:5d} nodes {n:8d} bytes")
    attrs = collections.Counter()
    for n in graph.node:
        for a in n.attribute:
            attrs[f"{n.op_type}.{a.name}"] += size(a) + 2
    print("attributes:", ", ".join(f"{k} {v}" for k, v in attrs.most_common()))
    print(f"value_info: {len(graph.value_info)} entries {sum(size(v) for v in graph.value_info)} bytes; "
          f"graph inputs/outputs {sum(size(v) for v in list(graph.input) + list(graph.output))} bytes; "
          f"doc strings {len(model.doc_string) + len(graph.doc_string)}; metadata {sum(size(p) for p in model.metadata_props)}")


if __name__ == "__main__":
    main(sys.argv[1])
