using EdgeBuild.Onnx.Protos;

namespace EdgeBuild.Optimization.Data;

/// <summary>One model input's value for one sample.</summary>
public sealed record SampleInput(string Name, TensorProto Tensor);

/// <summary>All inputs of one sample, plus where it came from (for messages and reports).</summary>
public sealed record Sample(string Source, IReadOnlyList<SampleInput> Inputs);

/// <summary>What a loader must know about the model's inputs to shape samples for it.</summary>
public sealed record ModelInput(string Name, int ElementType, IReadOnlyList<long> Dims);
