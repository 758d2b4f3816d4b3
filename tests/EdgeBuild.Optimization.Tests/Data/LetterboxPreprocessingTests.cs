using EdgeBuild.Onnx.Graph;
using EdgeBuild.Optimization;
using EdgeBuild.Optimization.Data;
using EdgeBuild.Tests.Shared;

namespace EdgeBuild.Optimization.Tests.Data;

/// <summary>resize=letterbox:HxW, the way an app feeds a detector whose input size is fixed at build time.</summary>
public sealed class LetterboxPreprocessingTests
{
    private const string Normalize = "channels=bgr;scale=1/255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225;layout=nchw";

    [Theory]
    [InlineData("page.png")] // wider than 4:3 after scaling: padded below
    [InlineData("astronaut.png")] // square: padded on the right
    public void The_image_fills_the_top_left_scaled_to_fit_and_the_rest_is_zero(string imageName)
    {
        var path = Path.Combine(TestAssets.ImagesDir, imageName);
        var letterbox = ImagePreprocessing.Parse("resize=letterbox:480x640;" + Normalize);
        var tensor = ImageLoader.Load(path, "x", letterbox);
        Assert.Equal([1L, 3, 480, 640], tensor.Dims);

        var header = StbImageSharp.ImageInfo.FromStream(File.OpenRead(path))!.Value;
        var (contentH, contentW) = letterbox.ContentSize(header.Height, header.Width);
        Assert.True(contentH == 480 || contentW == 640, $"{contentH}x{contentW} touches neither side");
        Assert.True(contentH < 480 || contentW < 640, "the test image should need padding");

        // The content is the image resized to the content size with the same normalization.
        var exact = Tensors.ToFloatArray(ImageLoader.Load(path, "x", ImagePreprocessing.Parse($"resize=exact:{contentH}x{contentW};" + Normalize)));
        var values = Tensors.ToFloatArray(tensor);
        for (var c = 0; c < 3; c++)
        for (var y = 0; y < 480; y++)
        for (var x = 0; x < 640; x++)
        {
            var value = values[(c * 480 + y) * 640 + x];
            if (y < contentH && x < contentW) Assert.Equal(exact[(c * contentH + y) * contentW + x], value);
            else Assert.Equal(0f, value);
        }
    }

    [Fact]
    public void A_letterbox_without_both_sides_is_an_error_naming_the_forms()
    {
        var error = Assert.Throws<OptimizationInputException>(() => ImagePreprocessing.Parse("resize=letterbox:480"));
        Assert.Equal("EDGE0110", error.Code);
        Assert.Contains("letterbox:HxW", error.Message, StringComparison.Ordinal);
    }
}
