using System;

namespace EdgeBuild;

/// <summary>
/// The members ModelEmitter declares in a generated wrapper class; the emitter writes those names from these
/// constants. A ClassName equal to one of them does not compile (CS0542: member names cannot be the same as their
/// enclosing type), so the MSBuild task and the generator both reject it through <see cref="CSharpNames"/>.
/// EdgeBuild.Generators.Tests parses emitted code and fails if the class declares a member this list misses.
/// </summary>
internal static class GeneratedMembers
{
    public const string Create = "Create";
    public const string Wrap = "Wrap";
    public const string Run = "Run";
    public const string RunDynamic = "RunDynamic";
    public const string Inputs = "Inputs";
    public const string Outputs = "Outputs";
    public const string Session = "Session";
    public const string EffectiveSettings = "EffectiveSettings";
    public const string Dispose = "Dispose";
    public const string ModelInfo = "ModelInfo";
    public const string ModelFileName = "ModelFileName";
    public const string ModelSha256 = "ModelSha256";
    public const string InputTensors = "InputTensors";
    public const string OutputTensors = "OutputTensors";
    public const string DynamicOutputs = "DynamicOutputs";
    public const string SessionField = "_session";

    /// <summary>Per-tensor buffer fields: <c>_input0</c>, <c>_output3</c>.</summary>
    public const string InputFieldPrefix = "_input";
    public const string OutputFieldPrefix = "_output";

    public static readonly string[] Names =
    {
        Create, Wrap, Run, RunDynamic, Inputs, Outputs, Session, EffectiveSettings, Dispose, ModelInfo, ModelFileName, ModelSha256,
        InputTensors, OutputTensors, DynamicOutputs, SessionField,
    };

    public static bool IsReserved(string name) =>
        Array.IndexOf(Names, name) >= 0 || IsIndexed(name, InputFieldPrefix) || IsIndexed(name, OutputFieldPrefix);

    private static bool IsIndexed(string name, string prefix)
    {
        if (name.Length <= prefix.Length || !name.StartsWith(prefix, StringComparison.Ordinal)) return false;
        for (var i = prefix.Length; i < name.Length; i++)
        {
            if (name[i] < '0' || name[i] > '9') return false;
        }

        return true;
    }
}
