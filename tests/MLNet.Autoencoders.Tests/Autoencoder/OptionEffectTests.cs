using Microsoft.ML;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Autoencoder;

/// <summary>Every public option changes what is trained: the same run with one option changed gives other latents.</summary>
public class OptionEffectTests
{
    public static TheoryData<string> Changes => new()
    {
        "HiddenLayerSizes", "Activation.LeakyRelu", "Activation.Tanh", "Activation.Sigmoid", "Loss", "OutputActivation",
        "TiedWeights", "Epochs", "BatchSize", "LearningRate", "WeightDecay", "ValidationFraction", "Seed",
    };

    private static void Apply(string change, AutoencoderOptions o)
    {
        switch (change)
        {
            case "HiddenLayerSizes": o.HiddenLayerSizes = [12]; break;
            case "Activation.LeakyRelu": o.Activation = Activation.LeakyRelu; break;
            case "Activation.Tanh": o.Activation = Activation.Tanh; break;
            case "Activation.Sigmoid": o.Activation = Activation.Sigmoid; break;
            case "Loss": o.Loss = ReconstructionLoss.BinaryCrossEntropy; break;
            case "OutputActivation": o.OutputActivation = OutputActivation.Identity; break;
            case "TiedWeights": o.TiedWeights = true; break;
            case "Epochs": o.Epochs = 6; break;
            case "BatchSize": o.BatchSize = 20; break;
            case "LearningRate": o.LearningRate = 3e-3; break;
            case "WeightDecay": o.WeightDecay = 0.1; break;
            case "ValidationFraction": o.ValidationFraction = 0.2; break;
            case "Seed": o.Seed = 99; break;
            default: throw new ArgumentException(change);
        }
    }

    private static float[][] Latents(Action<AutoencoderOptions>? change)
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 200);
        using var t = ml.Transforms.Autoencoder(Small.Options(o => { o.Epochs = 5; change?.Invoke(o); })).Fit(data);
        return ColumnReader.ReadVectors(t.Transform(data), "Latent");
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public void Changing_the_option_changes_the_model(string change)
    {
        var baseline = Latents(null);
        var changed = Latents(o => Apply(change, o));
        Assert.True(SyntheticData.MaxAbsDifference(baseline, changed) > 1e-4f, $"{change} made no difference");
    }

    [Fact]
    public void LatentDimension_sets_the_latent_size()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 100);
        using var t = ml.Transforms.Autoencoder(Small.Options(o => o.LatentDimension = 5)).Fit(data);
        Assert.Equal(5, t.LatentDimension);
        Assert.All(ColumnReader.ReadVectors(t.Transform(data), "Latent"), v => Assert.Equal(5, v.Length));
    }

    [Fact]
    public void Identity_output_can_leave_the_unit_range_and_sigmoid_cannot()
    {
        var ml = new MLContext(seed: 1);
        // Standardized data (negative values): Auto picks the identity output, so reconstructions can be negative.
        var rows = SyntheticData.Rows(200).Select(r => r.Select(v => (v - 0.5f) * 4).ToArray()).ToArray();
        var data = SyntheticData.Load(ml, rows);
        using var auto = ml.Transforms.Autoencoder(Small.Options(o => o.ReconstructionColumnName = "R")).Fit(data);
        Assert.Contains(ColumnReader.ReadVectors(auto.Transform(data), "R").SelectMany(r => r), v => v < 0);
        using var sigmoid = ml.Transforms.Autoencoder(Small.Options(o => { o.ReconstructionColumnName = "R"; o.OutputActivation = OutputActivation.Sigmoid; })).Fit(data);
        Assert.All(ColumnReader.ReadVectors(sigmoid.Transform(data), "R").SelectMany(r => r), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void NumberOfThreads_sets_torch_threads()
    {
        var ml = new MLContext(seed: 1);
        int before = TorchSharp.torch.get_num_threads();
        try
        {
            using var t = ml.Transforms.Autoencoder(Small.Options(o => { o.Epochs = 1; o.NumberOfThreads = 1; })).Fit(SyntheticData.Load(ml, 50));
            Assert.Equal(1, TorchSharp.torch.get_num_threads());
        }
        finally
        {
            TorchSharp.torch.set_num_threads(before);
        }
    }
}
