namespace EdgeBuild.Integration.Tests.Infrastructure;

/// <summary>Which CPU a native library was built for, read from its ELF header.</summary>
internal static class NativeFiles
{
    public const int X64 = 62;

    public const int Arm64 = 183;

    /// <summary>The ELF e_machine of a native file: 62 for x86-64, 183 for AArch64.</summary>
    public static int ElfMachine(string path)
    {
        var header = File.ReadAllBytes(path).AsSpan(0, 20);
        Assert.True(header[..4].SequenceEqual("\u007fELF"u8), $"{path} is not an ELF file.");
        return BitConverter.ToUInt16(header[18..20]);
    }
}
