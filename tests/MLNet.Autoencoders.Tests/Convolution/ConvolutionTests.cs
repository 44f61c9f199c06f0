using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Inference;
using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Onnx;
using MLNet.Autoencoders.Persistence;
using MLNet.Autoencoders.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Tests.Convolution;

public class ConvolutionTests
{
    public static TheoryData<int, int, int> Shapes => new() { { 1, 28, 28 }, { 3, 32, 32 }, { 2, 13, 11 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Decoder_output_has_exactly_the_input_shape(int channels, int height, int width)
    {
        var spec = new ConvolutionSpec(channels, height, width, [8, 16, 16], 3, 2);
        Assert.Null(spec.Problem());
        using var init = new Generator(1);
        using var stack = new ConvolutionalStack(spec, Activation.Relu, tied: false);
        stack.Initialize(init);
        using var x = torch.rand([4, channels * height * width], generator: init);
        using var features = stack.Encode(x);
        Assert.Equal([4L, spec.FlatSize], features.shape);
        using var output = stack.Decode(features);
        Assert.Equal(x.shape, output.shape);
    }

    [Fact]
    public void Odd_sizes_come_back_through_output_padding()
    {
        var spec = new ConvolutionSpec(1, 28, 28, [32, 64, 64], 3, 2);
        Assert.Equal((7, 7), spec.SizeBefore(2));
        Assert.Equal((4, 4), spec.SizeBefore(3));
        Assert.Equal((0, 0), spec.OutputPadding(2));   // 4 → 7
        Assert.Equal((1, 1), spec.OutputPadding(1));   // 7 → 14
        Assert.Equal((1, 1), spec.OutputPadding(0));   // 14 → 28
    }

    [Fact]
    public void Tied_transposed_convolutions_share_their_mirror_kernels()
    {
        var spec = new ConvolutionSpec(1, 12, 12, [4, 6], 3, 2);
        using var tied = new ConvolutionalStack(spec, Activation.Relu, tied: true);
        using var free = new ConvolutionalStack(spec, Activation.Relu, tied: false);
        var tiedNames = tied.named_parameters().Select(p => p.name).ToArray();
        Assert.DoesNotContain(tiedNames, n => n.StartsWith("decoderWeights"));
        Assert.True(tied.parameters().Sum(p => p.numel()) < free.parameters().Sum(p => p.numel()));
        var encoderKernels = tied.named_parameters().Where(p => p.name.StartsWith("encoderWeights")).Select(p => p.parameter).ToArray();
        Assert.Same(encoderKernels[1], tied.DecoderWeight(0));
        Assert.Same(encoderKernels[0], tied.DecoderWeight(1));

        // One tensor, two uses: a gradient from the decoder side alone reaches the encoder's kernel.
        using var init = new Generator(2);
        tied.Initialize(init);
        using var features = torch.rand([2, spec.FlatSize], generator: init);
        using var loss = tied.Decode(features).square().sum();
        loss.backward();
        Assert.True(encoderKernels[0].grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Tied_convolutional_autoencoder_saves_no_decoder_kernels()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 64);
        using var model = ml.Transforms.Autoencoder(Options(o => { o.TiedWeights = true; o.Epochs = 1; })).Fit(data);
        var onnx = MlpOnnxModel.Build(model.Weights, model.Info, OnnxTensorNames.Internal, batched: true);
        var names = onnx.Graph.Initializer.Select(t => t.Name).ToArray();
        Assert.Contains("conv.encoder.0.weight", names);
        Assert.DoesNotContain(names, n => n.StartsWith("conv.decoder.") && n.EndsWith(".weight"));
        Assert.Contains(onnx.Graph.Node, n => n.OpType == "ConvTranspose" && n.Input[1] == "conv.encoder.1.weight");
    }

    public static TheoryData<bool, bool> Kinds => new() { { false, false }, { true, false }, { false, true } };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ONNX_graph_matches_TorchSharp_on_the_same_rows(bool tied, bool vae)
    {
        var spec = new ConvolutionSpec(1, 28, 28, [8, 16], 3, 2);
        var rows = FashionMnist.LoadEmbeddedArrays(maxRows: 16);
        using var init = new Generator(3);
        using var noise = new Generator(4);
        using var x = torch.tensor(rows.Features, [16, 784]);
        float[] expectedLatent, expectedOutput;
        byte[] model;
        string latentTensor, outputTensor;
        var info = new AutoencoderModelInfo { InputColumn = "Features", LatentColumn = "Latent", LayerSizes = [784, 24, 6], Convolution = spec };
        using (no_grad())
        {
            if (vae)
            {
                using var network = new VaeNetwork(new VaeArchitecture([784, 24, 6], Activation.Relu, VaeLikelihood.Bernoulli, 1, spec), init, noise);
                network.eval();
                var (mean, _) = network.Encode(x);
                expectedLatent = mean.data<float>().ToArray();
                expectedOutput = network.Decode(mean).sigmoid().data<float>().ToArray();
                var weights = network.ExportWeights();
                model = MlpOnnxModel.ToBytes(VaeOnnxModel.Build(weights, info with { Kind = AutoencoderModelInfo.VaeKind, Likelihood = VaeLikelihood.Bernoulli }, VaeTensorNames.Internal, batched: true));
                (latentTensor, outputTensor) = (VaeTensorNames.Internal.Latent, VaeTensorNames.Internal.Reconstruction!);
            }
            else
            {
                using var network = new MlpAutoencoderNetwork(new MlpArchitecture([784, 24, 6], Activation.Relu, OutputActivation.Sigmoid, tied, spec), init);
                network.eval();
                expectedLatent = network.Encode(x).data<float>().ToArray();
                expectedOutput = network.forward(x).sigmoid().data<float>().ToArray();
                model = MlpOnnxModel.ToBytes(MlpOnnxModel.Build(network.ExportWeights(), info with { TiedWeights = tied, OutputActivation = OutputActivation.Sigmoid }, OnnxTensorNames.Internal, batched: true));
                (latentTensor, outputTensor) = (OnnxTensorNames.Internal.Latent, OnnxTensorNames.Internal.Reconstruction!);
            }
        }
        using var scorer = new OnnxBatchScorer(model, "input", 784);
        var latent = new float[16 * 6];
        var output = new float[16 * 784];
        scorer.Score(rows.Features, 16, [new OutputBuffer(latentTensor, latent, 6), new OutputBuffer(outputTensor, output, 784)]);
        Assert.True(MaxAbsDifference(expectedLatent, latent) <= 1e-5, $"latent differs by {MaxAbsDifference(expectedLatent, latent)}");
        Assert.True(MaxAbsDifference(expectedOutput, output) <= 1e-5, $"reconstruction differs by {MaxAbsDifference(expectedOutput, output)}");
    }

    [Fact]
    public void Single_row_serving_graph_agrees_with_the_batched_one_after_save_and_load()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 64);
        using var model = ml.Transforms.Autoencoder(Options(o => { o.Epochs = 1; o.ReconstructionErrorColumnName = "Error"; })).Fit(data);
        using var file = new TempFile();
        ml.Model.Save(model, data.Schema, file.Path);
        var loaded = new MLContext().Model.Load(file.Path, out _);
        var before = ColumnReader.ReadVectors(model.Transform(data), "Latent");
        var after = ColumnReader.ReadVectors(loaded.Transform(data), "Latent");
        Assert.True(SyntheticData.MaxAbsDifference(before, after) < 1e-5);
        Assert.Equal(model.Transform(data).GetColumn<float[]>("Error").Select(e => e[0]), loaded.Transform(data).GetColumn<float[]>("Error").Select(e => e[0]), new FloatComparer(1e-6f));
        using var typed = AutoencoderTransformer.Load(new MLContext(), file.Path);
        Assert.Equal(model.Reconstruct(FashionMnist.LoadEmbeddedArrays(1).Features), typed.Reconstruct(FashionMnist.LoadEmbeddedArrays(1).Features), new FloatComparer(1e-6f));
    }

    [Fact]
    public void Convolutional_VAE_trains_saves_and_generates()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 128);
        using var vae = ml.Transforms.Vae(new VaeOptions
        {
            InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 4, HiddenLayerSizes = [], Epochs = 1, Seed = 1,
            ScoreColumnName = "Score", Convolution = new ConvolutionOptions(new ImageShape(1, 28, 28)) { Channels = [4, 8] },
        }).Fit(data);
        using var file = new TempFile();
        ml.Model.Save(vae, data.Schema, file.Path);
        var loaded = new MLContext().Model.Load(file.Path, out _);
        Assert.True(SyntheticData.MaxAbsDifference(ColumnReader.ReadVectors(vae.Transform(data), "Score"), ColumnReader.ReadVectors(loaded.Transform(data), "Score")) < 1e-3);
        using var typed = VaeTransformer.Load(new MLContext(), file.Path);
        Assert.Equal(0f, SyntheticData.MaxAbsDifference(vae.GenerateRows(3, 1), typed.GenerateRows(3, 1)));
        Assert.All(typed.GenerateRows(3, 1), r => Assert.Equal(784, r.Length));
    }

    [Fact]
    public void Convolutional_autoencoder_beats_the_MLP_on_held_out_images_at_the_same_latent_size_and_epochs()
    {
        var all = FashionMnist.LoadEmbeddedArrays(maxRows: 2500);
        double HeldOutMse(bool convolutional)
        {
            var ml = new MLContext(seed: 1);
            var train = FashionMnist.ToDataView(ml, all.Slice(0, 2000));
            var heldOut = FashionMnist.ToDataView(ml, all.Slice(2000, 500));
            using var model = ml.Transforms.Autoencoder(new AutoencoderOptions
            {
                InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 16, Epochs = 4, BatchSize = 64, Seed = 1,
                ReconstructionErrorColumnName = "Error",
                HiddenLayerSizes = convolutional ? [] : [512, 256],
                Convolution = convolutional ? new ConvolutionOptions(new ImageShape(1, 28, 28)) : null,
            }).Fit(train);
            return model.Transform(heldOut).GetColumn<float[]>("Error").Average(e => e[0]);
        }
        double conv = HeldOutMse(true), mlp = HeldOutMse(false);
        Assert.True(conv < mlp, $"convolutional {conv:F5} vs MLP {mlp:F5}");
    }

    public static TheoryData<string, string> BadShapes => new()
    {
        { "size", "Column 'Features' has 784 features, but the image shape 3×28×28 needs 2352" },
        { "stages", "The convolution cannot work on 1×28×28 images" },
        { "channels", "Convolution.Channels must list at least one stage" },
        { "pretraining", "cannot be combined with Convolution" },
    };

    [Theory]
    [MemberData(nameof(BadShapes))]
    public void Shapes_that_do_not_fit_get_clear_errors(string problem, string message)
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 32);
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Autoencoder(Options(o =>
        {
            switch (problem)
            {
                case "size": o.Convolution = new ConvolutionOptions(new ImageShape(3, 28, 28)); break;
                case "stages": o.Convolution!.Channels = [4, 4, 4, 4, 4, 4]; o.Convolution.KernelSize = 5; break;
                case "channels": o.Convolution!.Channels = []; break;
                case "pretraining": o.Pretraining = Pretraining.GreedyLayerWise; break;
            }
        })).Fit(data));
        Assert.Contains(message, e.Message);
    }

    private static AutoencoderOptions Options(Action<AutoencoderOptions> change)
    {
        var options = new AutoencoderOptions
        {
            InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 8, HiddenLayerSizes = [], Epochs = 2, BatchSize = 32, Seed = 1,
            Convolution = new ConvolutionOptions(new ImageShape(1, 28, 28)) { Channels = [4, 8] },
        };
        change(options);
        return options;
    }

    private static float MaxAbsDifference(float[] a, float[] b) => a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
}

public class ConvolutionOptionEffectTests
{
    public static TheoryData<string> Changes => new() { "Channels", "KernelSize", "Stride", "Convolution" };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Every_convolution_option_changes_the_model(string change)
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 64);
        AutoencoderTransformer Fit(Action<ConvolutionOptions>? configure, bool convolutional = true)
        {
            var conv = new ConvolutionOptions(new ImageShape(1, 28, 28)) { Channels = [4, 8] };
            configure?.Invoke(conv);
            return new MLContext(seed: 1).Transforms.Autoencoder(new AutoencoderOptions
            {
                InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 6, HiddenLayerSizes = [], Epochs = 1, BatchSize = 32, Seed = 1,
                Convolution = convolutional ? conv : null,
            }).Fit(data);
        }
        using var baseline = Fit(null);
        using var changed = change switch
        {
            "Channels" => Fit(c => c.Channels = [6, 8]),
            "KernelSize" => Fit(c => c.KernelSize = 5),
            "Stride" => Fit(c => c.Stride = 1, convolutional: true),
            _ => Fit(null, convolutional: false),
        };
        int Weights(AutoencoderTransformer t) =>
            Onnx.MlpOnnxModel.Build(t.Weights, t.Info, Onnx.OnnxTensorNames.Internal, batched: true).Graph.Initializer.Sum(i => i.RawData.Length);
        Assert.NotEqual(Weights(baseline), Weights(changed));
        Assert.True(SyntheticData.MaxAbsDifference(ColumnReader.ReadVectors(baseline.Transform(data), "Latent"), ColumnReader.ReadVectors(changed.Transform(data), "Latent")) > 1e-4);
    }
}
