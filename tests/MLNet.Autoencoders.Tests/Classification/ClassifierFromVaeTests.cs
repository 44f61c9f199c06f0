using Microsoft.ML;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Tests.Support;
using TorchSharp;
using Xunit;

namespace MLNet.Autoencoders.Tests.Classification;

/// <summary>
/// The classifier started from a variational autoencoder (issue 15: "pretraining can be any kind in the library — … VAE
/// mean — or a fitted VaeTransformer"): the encoder up to the latent mean and the decoder become the classifier's
/// autoencoder.
/// </summary>
public class ClassifierFromVaeTests
{
    private static VaeOptions TinyVae(VaeLikelihood likelihood = VaeLikelihood.Bernoulli) => new()
    {
        InputColumnName = "Features", OutputColumnName = "Latent", HiddenLayerSizes = [32], LatentDimension = 6, Epochs = 3, BatchSize = 32,
        LearningRate = 3e-3, Seed = 2, Likelihood = likelihood,
    };

    [Theory]
    [InlineData(VaeLikelihood.Bernoulli)]
    [InlineData(VaeLikelihood.Gaussian)]
    public void The_mean_autoencoder_encodes_to_the_VAE_mean_and_decodes_as_the_VAE(VaeLikelihood likelihood)
    {
        TorchSharpSetup.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var architecture = new VaeArchitecture([12, 9, 7, 3], Activation.Relu, likelihood, 1.0);
        using var vae = new VaeNetwork(architecture, new torch.Generator(5), new torch.Generator(6));
        var weights = vae.ExportWeights();
        var autoencoderWeights = weights.MeanAutoencoder();
        Assert.Equal([12, 9, 7, 3], autoencoderWeights.Architecture.LayerSizes);
        Assert.Equal(likelihood == VaeLikelihood.Bernoulli ? OutputActivation.Sigmoid : OutputActivation.Identity, autoencoderWeights.Architecture.OutputActivation);
        using var autoencoder = new MlpAutoencoderNetwork(autoencoderWeights.Architecture, new torch.Generator(7));
        autoencoder.ImportWeights(autoencoderWeights);

        using var noGrad = torch.no_grad();
        var x = torch.rand(5, 12, generator: new torch.Generator(8));
        var (mean, _) = vae.Encode(x);
        Assert.True(autoencoder.Encode(x).allclose(mean, rtol: 0, atol: 1e-6), "the encoder must give the VAE's latent mean");
        var z = torch.randn(5, 3, generator: new torch.Generator(9));
        Assert.True(autoencoder.DecodeLogits(z).allclose(vae.Decode(z), rtol: 0, atol: 1e-6), "the decoder must be the VAE's");
    }

    [Fact]
    public void A_frozen_encoder_from_a_fitted_VAE_writes_the_VAE_latent_mean()
    {
        var ml = new MLContext(seed: 1);
        var train = FewLabels.Train(ml);
        using var vae = ml.Transforms.Vae(TinyVae()).Fit(train);
        using var classifier = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o =>
        {
            o.PretrainedAutoencoder = null;
            o.PretrainedVae = vae;
            o.EncoderLearningRate = 0; // frozen: the classifier's latent stays the VAE's mean
            o.LatentColumnName = "ClassifierLatent";
        })).Fit(train);
        Assert.Equal([784, 32, 6], classifier.EncoderLayerSizes);

        var test = FewLabels.Test(ml);
        var vaeMeans = ColumnReader.ReadVectors(vae.Transform(test), "Latent");
        var classifierLatents = ColumnReader.ReadVectors(classifier.Transform(test), "ClassifierLatent");
        for (int i = 0; i < vaeMeans.Length; i++)
            for (int j = 0; j < 6; j++)
                Assert.True(Math.Abs(vaeMeans[i][j] - classifierLatents[i][j]) <= 1e-5, $"row {i}, slot {j}: VAE mean {vaeMeans[i][j]}, classifier latent {classifierLatents[i][j]}");
        double accuracy = ml.MulticlassClassification.Evaluate(classifier.Transform(test)).MacroAccuracy;
        Assert.True(accuracy > 0.2, $"a head on the VAE mean (30 steps, tiny VAE) should reach twice chance (0.1); macro accuracy {accuracy:F3}");
    }

    [Fact]
    public void VaePretraining_pretrains_a_VAE_whose_settings_reach_the_classifier_and_joint_training_uses_its_decoder()
    {
        var ml = new MLContext(seed: 1);
        var train = FewLabels.Train(ml);
        var options = TinyVae();
        options.InputColumnName = null;
        var pretrainingEpochs = new List<int>();
        options.EpochCallback = r => pretrainingEpochs.Add(r.Epoch);
        using var fromVae = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o =>
        {
            o.PretrainedAutoencoder = null;
            o.VaePretraining = options;
        })).Fit(train);
        Assert.Equal([1, 2, 3], pretrainingEpochs);
        Assert.Equal([784, 32, 6], fromVae.EncoderLayerSizes);
        Assert.Null(options.InputColumnName); // the user's options are not changed

        // Joint training rebuilds the rows through the VAE's decoder (binary cross-entropy for the Bernoulli likelihood):
        // a different model from fine-tuning alone.
        using var joint = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o =>
        {
            o.PretrainedAutoencoder = null;
            o.VaePretraining = TinyVae();
            o.Method = SemiSupervisedMethod.Joint;
        })).Fit(train);
        var test = FewLabels.Test(ml);
        var a = ColumnReader.ReadVectors(fromVae.Transform(test), "Score");
        var b = ColumnReader.ReadVectors(joint.Transform(test), "Score");
        Assert.Contains(Enumerable.Range(0, a.Length), i => a[i].Zip(b[i]).Any(p => Math.Abs(p.First - p.Second) > 1e-4));
        Assert.All(b, scores => Assert.InRange(scores.Sum(), 0.999, 1.001));
    }

    [Fact]
    public void Conflicting_or_unusable_VAE_starts_are_refused_by_name()
    {
        var ml = new MLContext(seed: 1);
        var both = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o =>
        {
            o.Pretraining = FewLabels.PretrainingOptions();
            o.VaePretraining = TinyVae();
        })));
        Assert.Equal("VaePretraining", both.ParamName);

        using var vae = ml.Transforms.Vae(TinyVae()).Fit(FewLabels.Train(ml));
        var twoModels = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o => o.PretrainedVae = vae)));
        Assert.Equal("PretrainedVae", twoModels.ParamName);

        var convolutional = TinyVae();
        convolutional.Convolution = new ConvolutionOptions(new ImageShape(1, 28, 28));
        var conv = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o =>
        {
            o.PretrainedAutoencoder = null;
            o.VaePretraining = convolutional;
        })));
        Assert.Contains("fully connected", conv.Message);

        var badBeta = TinyVae();
        badBeta.Beta = -1;
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o =>
        {
            o.PretrainedAutoencoder = null;
            o.VaePretraining = badBeta;
        })));

        // A VAE fitted on other features: the sizes are named at Fit.
        var small = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => new SmallRow { Features = Enumerable.Range(0, 20).Select(j => (float)((i * 7 + j) % 10) / 10).ToArray() }));
        using var otherVae = ml.Transforms.Vae(new VaeOptions { OutputColumnName = "Latent", InputColumnName = "Features", HiddenLayerSizes = [8], LatentDimension = 2, Epochs = 1, Seed = 1 }).Fit(small);
        var wrongSize = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o =>
        {
            o.PretrainedAutoencoder = null;
            o.PretrainedVae = otherVae;
        })).Fit(FewLabels.Train(ml)));
        Assert.Contains("has 784 features, but PretrainedVae expects 20", wrongSize.Message);
    }

    [Fact]
    public void With_no_pretraining_given_features_in_0_1_pretrain_the_default_VAE_and_others_the_default_autoencoder()
    {
        var ml = new MLContext(seed: 1);
        var test = FewLabels.Test(ml);
        float[][] Scores(IDataView train, IDataView scored, Action<AutoencoderClassifierOptions> change)
        {
            using var model = ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o =>
            {
                o.PretrainedAutoencoder = null;
                change(o);
            })).Fit(train);
            return ColumnReader.ReadVectors(model.Transform(scored), "Score");
        }

        // Pixels in [0, 1]: the default is exactly the VAE of DefaultVaePretraining.
        var pixels = FewLabels.Train(ml);
        var byDefault = Scores(pixels, test, _ => { });
        var explicitVae = Scores(pixels, test, o => o.VaePretraining = AutoencoderClassifierTrainer.DefaultVaePretraining());
        Assert.Equal(byDefault.Length, explicitVae.Length);
        for (int i = 0; i < byDefault.Length; i++) Assert.Equal(byDefault[i], explicitVae[i]);
        Assert.Equal(40, AutoencoderClassifierTrainer.DefaultVaePretraining().Epochs);
        Assert.Equal(VaeLikelihood.Bernoulli, AutoencoderClassifierTrainer.DefaultVaePretraining().Likelihood);

        // One value outside [0, 1] (a Bernoulli VAE would refuse it): the default is the 20-epoch autoencoder.
        var shifted = FewLabels.ToKey(ml).Transform(FewLabels.View(ml, 0, FewLabels.TrainRows, r => r % 2 == 0, (row, features) => { if (row == 0) features[0] = 1.5f; }));
        var shiftedDefault = Scores(shifted, test, _ => { });
        var explicitAutoencoder = Scores(shifted, test, o => o.Pretraining = new AutoencoderOptions { Epochs = 20 });
        for (int i = 0; i < shiftedDefault.Length; i++) Assert.Equal(shiftedDefault[i], explicitAutoencoder[i]);
        Assert.Contains(Enumerable.Range(0, byDefault.Length), i => byDefault[i].Zip(shiftedDefault[i]).Any(p => Math.Abs(p.First - p.Second) > 1e-4));
    }

    private sealed class SmallRow
    {
        [Microsoft.ML.Data.VectorType(20)]
        public float[] Features { get; set; } = [];
    }
}
