using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Denoising;

public class DenoisingAutoencoderTests
{
    private static DenoisingAutoencoderOptions Options(Action<DenoisingAutoencoderOptions>? change = null)
    {
        var small = Small.Options();
        var options = new DenoisingAutoencoderOptions
        {
            OutputColumnName = small.OutputColumnName,
            InputColumnName = small.InputColumnName,
            LatentDimension = small.LatentDimension,
            HiddenLayerSizes = small.HiddenLayerSizes,
            Epochs = small.Epochs,
            BatchSize = small.BatchSize,
            LearningRate = small.LearningRate,
            ReconstructionColumnName = "Denoised",
        };
        change?.Invoke(options);
        return options;
    }

    [Fact]
    public void No_corruption_at_transform_time_and_same_seed_gives_the_same_model()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 200);
        using var a = ml.Transforms.DenoisingAutoencoder(Options(o => o.NoiseStandardDeviation = 1.0)).Fit(data);
        var first = ColumnReader.ReadVectors(a.Transform(data), "Denoised");
        var second = ColumnReader.ReadVectors(a.Transform(data), "Denoised");
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(first, second));
        var rows = SyntheticData.Rows(200);
        Assert.Equal(a.Reconstruct(rows[3]), first[3], new FloatComparer(1e-5f));

        // Built exactly like the first: a context with the same seed, the data loaded through it, then the estimator.
        var ml2 = new MLContext(seed: 1);
        var data2 = SyntheticData.Load(ml2, 200);
        using var b = ml2.Transforms.DenoisingAutoencoder(Options(o => o.NoiseStandardDeviation = 1.0)).Fit(data2);
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(first, ColumnReader.ReadVectors(b.Transform(data), "Denoised")));
    }

    public static TheoryData<string> Changes => new()
    {
        "Masking", "SaltAndPepper", "NoiseStandardDeviation", "CorruptionFraction", "Clip",
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Every_corruption_option_changes_the_model(string change)
    {
        float[][] Latents(Action<DenoisingAutoencoderOptions> configure)
        {
            var ml = new MLContext(seed: 1);
            var data = SyntheticData.Load(ml, 200);
            using var t = ml.Transforms.DenoisingAutoencoder(Options(configure)).Fit(data);
            return ColumnReader.ReadVectors(t.Transform(data), "Latent");
        }
        Action<DenoisingAutoencoderOptions> baseline = change switch
        {
            "CorruptionFraction" => o => o.Corruption = CorruptionKind.Masking,
            _ => _ => { },
        };
        Action<DenoisingAutoencoderOptions> changed = change switch
        {
            "Masking" => o => o.Corruption = CorruptionKind.Masking,
            "SaltAndPepper" => o => o.Corruption = CorruptionKind.SaltAndPepper,
            "NoiseStandardDeviation" => o => o.NoiseStandardDeviation = 0.1,
            "CorruptionFraction" => o => { o.Corruption = CorruptionKind.Masking; o.CorruptionFraction = 0.6; },
            "Clip" => o => { o.ClipMinimum = 0.2f; o.ClipMaximum = 0.8f; },
            _ => throw new ArgumentException(change),
        };
        Assert.True(SyntheticData.MaxAbsDifference(Latents(baseline), Latents(changed)) > 1e-4f, $"{change} made no difference");
    }

    [Theory]
    [InlineData("CorruptionFraction", -0.1)]
    [InlineData("CorruptionFraction", 1.5)]
    [InlineData("NoiseStandardDeviation", -0.3)]
    public void Out_of_range_corruption_is_refused(string option, double value)
    {
        var options = Options();
        typeof(DenoisingAutoencoderOptions).GetProperty(option)!.SetValue(options, value);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.DenoisingAutoencoder(options));
        Assert.Equal(option, e.ParamName);
    }

    [Fact]
    public void Clipping_range_must_be_whole_and_ordered()
    {
        var ml = new MLContext();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.DenoisingAutoencoder(Options(o => { o.ClipMinimum = 1; o.ClipMaximum = 1; })));
        Assert.Contains("ClipMinimum (1) must be less than ClipMaximum (1)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.DenoisingAutoencoder(Options(o => { o.ClipMinimum = 2; o.ClipMaximum = 1; })));
        var half = Assert.Throws<ArgumentException>(() => ml.Transforms.DenoisingAutoencoder(Options(o => o.ClipMinimum = 0)));
        Assert.Contains("both", half.Message);
    }

    [Fact]
    public void Denoising_model_beats_a_plain_autoencoder_at_cleaning_noisy_images()
    {
        var ml = new MLContext(seed: 1);
        var all = FashionMnist.LoadEmbeddedArrays(maxRows: 2300);
        var train = FashionMnist.ToDataView(ml, all.Slice(0, 2000));
        var clean = all.Slice(2000, 300);
        var noisy = all.Slice(2000, 300);
        var random = new Random(5);
        for (int i = 0; i < noisy.Features.Length; i++)
            noisy.Features[i] = Math.Clamp(noisy.Features[i] + 0.5f * (float)SyntheticData.Gaussian(random), 0, 1);

        void Configure(AutoencoderOptions o)
        {
            o.OutputColumnName = "Latent";
            o.InputColumnName = "Features";
            o.ReconstructionColumnName = "Rebuilt";
            o.HiddenLayerSizes = [256];
            o.Epochs = 15;
            o.BatchSize = 32;
            o.LearningRate = 2e-3;
        }
        var plainOptions = new AutoencoderOptions();
        Configure(plainOptions);
        var denoisingOptions = new DenoisingAutoencoderOptions { NoiseStandardDeviation = 0.5, ClipMinimum = 0, ClipMaximum = 1 };
        Configure(denoisingOptions);
        using var plain = ml.Transforms.Autoencoder(plainOptions).Fit(train);
        using var denoising = ml.Transforms.DenoisingAutoencoder(denoisingOptions).Fit(train);

        double Psnr(AutoencoderTransformer model)
        {
            var rebuilt = ColumnReader.ReadVectors(model.Transform(FashionMnist.ToDataView(ml, noisy)), "Rebuilt");
            double mse = rebuilt.SelectMany((row, i) => row.Select((v, j) => (double)(v - clean.Features[i * 784 + j]) * (v - clean.Features[i * 784 + j]))).Average();
            return 10 * Math.Log10(1 / mse);
        }
        double plainPsnr = Psnr(plain), denoisingPsnr = Psnr(denoising);
        Assert.True(denoisingPsnr > plainPsnr + 0.5, $"denoising {denoisingPsnr:F2} dB vs plain {plainPsnr:F2} dB");
    }

}
