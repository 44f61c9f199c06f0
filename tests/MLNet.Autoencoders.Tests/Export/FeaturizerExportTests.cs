using Microsoft.ML;
using MLNet.Autoencoders.Export;
using MLNet.Autoencoders.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace MLNet.Autoencoders.Tests.Export;

public class FeaturizerExportTests
{
    private static AutoencoderTransformer Fit(out float[][] rows)
    {
        var ml = new MLContext(seed: 11);
        rows = SyntheticData.Rows(120);
        return ml.Transforms.Autoencoder(Small.Options()).Fit(SyntheticData.Load(ml, rows));
    }

    private static Dictionary<string, float[]> Score(byte[] onnx, string input, float[][] rows, bool batched)
    {
        using var session = new InferenceSession(onnx);
        var result = new Dictionary<string, float[]>();
        if (batched)
        {
            var tensor = new DenseTensor<float>(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
            using var outputs = session.Run([NamedOnnxValue.CreateFromTensor(input, tensor)]);
            foreach (var output in outputs) result[output.Name] = output.AsTensor<float>().ToArray();
            return result;
        }
        foreach (var row in rows)
        {
            using var outputs = session.Run([NamedOnnxValue.CreateFromTensor(input, new DenseTensor<float>(row, [row.Length]))]);
            foreach (var output in outputs)
                result[output.Name] = [.. result.GetValueOrDefault(output.Name, []), .. output.AsTensor<float>()];
        }
        return result;
    }

    [Fact]
    public void Default_export_is_the_batched_latent_at_opset_13_with_only_the_encoder_weights()
    {
        using var autoencoder = Fit(out var rows);
        using var stream = new MemoryStream();
        autoencoder.ExportToOnnx(stream);
        var bytes = stream.ToArray();
        var model = ExportedOnnx.Parse(bytes);

        Assert.Empty(OnnxModelChecker.Check(model));
        Assert.Equal(13, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.Equal(["Features"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(["Latent"], model.Graph.Output.Select(o => o.Name));
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name.StartsWith("decoder.", StringComparison.Ordinal));
        Assert.Contains(model.MetadataProps, p => p.Key == FeaturizerOnnxExporter.ExportKey);

        var latent = Score(bytes, "Features", rows, batched: true)["Latent"];
        var expected = rows.SelectMany(r => autoencoder.Encode(r)).ToArray();
        Assert.Equal(expected, latent, new FloatComparer(1e-5f));
    }

    [Fact]
    public void Options_choose_outputs_opset_and_single_row_form()
    {
        using var autoencoder = Fit(out var rows);
        var options = new AutoencoderOnnxExportOptions
        {
            IncludeLatent = false,
            IncludeReconstruction = true,
            IncludeReconstructionError = true,
            OpsetVersion = 11,
            Batched = false,
        };
        using var stream = new MemoryStream();
        autoencoder.ExportToOnnx(stream, options);
        var bytes = stream.ToArray();
        var model = ExportedOnnx.Parse(bytes);

        Assert.Empty(OnnxModelChecker.Check(model));
        Assert.Equal(11, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.Equal(["Reconstruction", "ReconstructionError"], model.Graph.Output.Select(o => o.Name));
        Assert.Single(model.Graph.Input[0].Type.TensorType.Shape.Dim);

        var scored = Score(bytes, "Features", rows.Take(10).ToArray(), batched: false);
        Assert.Equal(rows.Take(10).SelectMany(r => autoencoder.Reconstruct(r)), scored["Reconstruction"], new FloatComparer(1e-5f));
        Assert.Equal(rows.Take(10).Select(r => autoencoder.ReconstructionError(r)), scored["ReconstructionError"], new FloatComparer(1e-6f));
    }

    [Fact]
    public void Bad_options_are_refused_and_nothing_is_written()
    {
        using var autoencoder = Fit(out _);
        using var stream = new MemoryStream();
        var opset = Assert.Throws<ArgumentOutOfRangeException>(() => autoencoder.ExportToOnnx(stream, new AutoencoderOnnxExportOptions { OpsetVersion = 18 }));
        Assert.Contains("9 to 17", opset.Message);
        var none = Assert.Throws<ArgumentException>(() => autoencoder.ExportToOnnx(stream, new AutoencoderOnnxExportOptions { IncludeLatent = false }));
        Assert.Contains("no output", none.Message);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void The_checker_finds_undefined_inputs_duplicate_initializers_and_untyped_outputs()
    {
        using var autoencoder = Fit(out _);
        var model = FeaturizerOnnxExporter.Build(autoencoder, new AutoencoderOnnxExportOptions());
        Assert.Empty(OnnxModelChecker.Check(model));

        var broken = model.Clone();
        broken.Graph.Node[0].Input[0] = "nowhere";
        broken.Graph.Initializer.Add(broken.Graph.Initializer[0].Clone());
        broken.Graph.Output[0].Type.TensorType.Shape = null;
        var problems = OnnxModelChecker.Check(broken);
        Assert.Contains(problems, p => p.Contains("reads 'nowhere'"));
        Assert.Contains(problems, p => p.Contains("Two initializers"));
        Assert.Contains(problems, p => p.Contains("has no shape"));
    }
}
