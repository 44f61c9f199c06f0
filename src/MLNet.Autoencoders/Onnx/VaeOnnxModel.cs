using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Persistence;
using Onnx;

namespace MLNet.Autoencoders.Onnx;

/// <summary>Writes a VAE's inference graph as ONNX (see <see cref="AutoencoderOnnxFormat"/>, version 3) and reads it back.</summary>
internal static class VaeOnnxModel
{
    /// <summary>The posterior mean's tensor when the latent output is a draw; the batched graph also outputs it.</summary>
    public const string MeanTensor = "mean";

    public static ModelProto Build(VaeWeights weights, AutoencoderModelInfo info, VaeTensorNames names, bool batched)
    {
        var arch = weights.Architecture;
        int hidden = arch.HiddenCount;
        int[] sizes = arch.DenseSizes;
        int latent = arch.LatentSize;
        var conv = arch.Convolution;
        var g = new OnnxGraphBuilder("variational_autoencoder");
        long?[] Shape(long size) => batched ? [null, size] : [size];

        g.AddInput(names.Input, Shape(arch.InputSize));
        for (int i = 0; i < hidden; i++)
        {
            g.AddInitializer($"encoder.{i}.weight", MlpOnnxModel.Transpose(weights.EncoderWeights[i], sizes[i + 1], sizes[i]), sizes[i], sizes[i + 1]);
            g.AddInitializer($"encoder.{i}.bias", weights.EncoderBiases[i], sizes[i + 1]);
        }
        int head = arch.HeadInputSize;
        g.AddInitializer("mean.weight", MlpOnnxModel.Transpose(weights.MeanWeight, latent, head), head, latent);
        g.AddInitializer("mean.bias", weights.MeanBias, latent);
        g.AddInitializer("log_variance.weight", MlpOnnxModel.Transpose(weights.LogVarianceWeight, latent, head), head, latent);
        g.AddInitializer("log_variance.bias", weights.LogVarianceBias, latent);
        for (int i = 0; i <= hidden; i++)
        {
            int inSize = sizes[hidden + 1 - i], outSize = sizes[hidden - i];
            g.AddInitializer($"decoder.{i}.weight", MlpOnnxModel.Transpose(weights.DecoderWeights[i], outSize, inSize), inSize, outSize);
            g.AddInitializer($"decoder.{i}.bias", weights.DecoderBiases[i], outSize);
        }

        if (conv is not null) ConvolutionOnnx.AddInitializers(g, conv, weights.Convolution!, tied: false);

        // The convolutional front works on [N, C, H, W] only: a single row becomes a batch of one, and every per-row output
        // is reshaped back to its single-row form at the end.
        bool squeeze = conv is not null && !batched;
        string Output(string name) => squeeze ? name + ".2d" : name;
        string h = conv is null ? names.Input : ConvolutionOnnx.Encode(g, conv, arch.Activation, names.Input);
        for (int i = 0; i < hidden; i++)
            h = g.Dense(h, $"encoder.{i}.weight", $"encoder.{i}.bias", arch.Activation, null);
        bool sample = info.Output == VaeOutput.Sample;
        string mean = g.Dense(h, "mean.weight", "mean.bias", null, sample ? MeanTensor : Output(names.Latent));
        bool needsLogVariance = sample || names.LogVariance is not null || names.Score is not null;
        string? logVariance = needsLogVariance ? g.Dense(h, "log_variance.weight", "log_variance.bias", null, names.LogVariance is null ? "log_variance" : Output(names.LogVariance)) : null;
        if (sample)
        {
            // z = mean + exp(½ log σ²) ⊙ ε. ONNX Runtime seeds the node's generator once per session, so each run draws afresh
            // and a new session repeats the same sequence.
            string epsilon = g.AddNode("RandomNormalLike", "epsilon", [logVariance!], node =>
                node.Attribute.Add(OnnxGraphBuilder.FloatAttribute("seed", SampleSeed(info))));
            g.AddInitializer("half", [0.5f]);
            string halfLog = g.AddNode("Mul", "half_log_variance", logVariance!, "half");
            string sigma = g.AddNode("Exp", "sigma", halfLog);
            string noise = g.AddNode("Mul", "scaled_epsilon", sigma, epsilon);
            g.AddNode("Add", Output(names.Latent), mean, noise);
        }
        void Squeeze(string? name, long size)
        {
            if (!squeeze || name is null) return;
            string shape = g.AddInt64Initializer(name + ".shape", [size], 1);
            g.AddNode("Reshape", name, name + ".2d", shape);
        }
        Squeeze(names.Latent, latent);
        Squeeze(names.LogVariance, latent);
        g.AddOutput(names.Latent, Shape(latent));
        if (sample && batched) g.AddOutput(MeanTensor, Shape(latent));
        if (names.LogVariance is not null) g.AddOutput(names.LogVariance, Shape(latent));

        if (names.Reconstruction is not null || names.Score is not null)
        {
            string d = mean;
            for (int i = 0; i <= hidden; i++)
                d = g.Dense(d, $"decoder.{i}.weight", $"decoder.{i}.bias", i < hidden || conv is not null ? arch.Activation : null, i < hidden || conv is not null ? null : "decoder.output");
            // Under a convolutional front the decoder's output comes back as flat rows in the graph's own form ([N, D] or [D]);
            // the mean and log-variance stay 2-D, so the KL sum keeps a batch axis: reshape it to the row form too.
            if (conv is not null) d = ConvolutionOnnx.Decode(g, conv, arch.Activation, tied: false, d, "decoder.output", batched);
            string reconstruction = names.Reconstruction ?? "reconstruction";
            g.AddNode(arch.Likelihood == VaeLikelihood.Bernoulli ? "Sigmoid" : "Identity", reconstruction, d);
            if (names.Reconstruction is not null) g.AddOutput(reconstruction, Shape(arch.InputSize));
            if (names.Score is not null) AddScore(g, arch, names, d, mean, logVariance!, batched, squeeze);
        }
        return g.ToModel(AutoencoderOnnxFormat.ProducerVersion, MlpOnnxModel.Metadata(info));
    }

    /// <summary>The negative ELBO at the posterior mean: −log p(x | z = mean) + KL(q(z|x) ‖ N(0, I)), one value per row.</summary>
    private static void AddScore(OnnxGraphBuilder g, VaeArchitecture arch, VaeTensorNames names, string decoded, string mean, string logVariance, bool batched, bool squeezeKl)
    {
        // Sums over the last axis as a product with a column of ones: [N, K] × [K, 1] → [N, 1] and [K] × [K, 1] → [1], the
        // same at every opset (ReduceSum moved its axes from an attribute to an input in opset 13).
        g.AddInitializer("one", [1f]);
        g.AddInitializer("ones.input", Enumerable.Repeat(1f, arch.InputSize).ToArray(), arch.InputSize, 1);
        g.AddInitializer("ones.latent", Enumerable.Repeat(1f, arch.LatentSize).ToArray(), arch.LatentSize, 1);
        string Sum(string name, string input, string ones) => g.AddNode("MatMul", name, input, ones);
        string reconstructionTerm;
        if (arch.Likelihood == VaeLikelihood.Bernoulli)
        {
            // Binary cross-entropy from the logits l, stable for any l: max(l, 0) − x·l + log(1 + exp(−|l|)).
            string positive = g.AddNode("Relu", "score.relu", decoded);
            string product = g.AddNode("Mul", "score.x_logit", names.Input, decoded);
            string magnitude = g.AddNode("Abs", "score.abs", decoded);
            string negated = g.AddNode("Neg", "score.neg_abs", magnitude);
            string exp = g.AddNode("Exp", "score.exp", negated);
            string onePlus = g.AddNode("Add", "score.one_plus", exp, "one");
            string log = g.AddNode("Log", "score.log", onePlus);
            string difference = g.AddNode("Sub", "score.relu_minus_product", positive, product);
            string bce = g.AddNode("Add", "score.bce", difference, log);
            reconstructionTerm = Sum("score.reconstruction", bce, "ones.input");
        }
        else
        {
            double variance = arch.GaussianVariance;
            string diff = g.AddNode("Sub", "score.diff", names.Input, decoded);
            string square = g.AddNode("Mul", "score.square", diff, diff);
            string sum = Sum("score.sum_square", square, "ones.input");
            g.AddInitializer("score.inverse_two_variance", [(float)(1 / (2 * variance))]);
            g.AddInitializer("score.constant", [(float)(0.5 * arch.InputSize * Math.Log(2 * Math.PI * variance))]);
            string scaled = g.AddNode("Mul", "score.scaled", sum, "score.inverse_two_variance");
            reconstructionTerm = g.AddNode("Add", "score.reconstruction", scaled, "score.constant");
        }
        // KL = −½ Σ (1 + log σ² − mean² − σ²) (Kingma & Welling 2014, Appendix B).
        g.AddInitializer("minus_half", [-0.5f]);
        string onePlusLog = g.AddNode("Add", "kl.one_plus_log_variance", logVariance, "one");
        string meanSquare = g.AddNode("Mul", "kl.mean_square", mean, mean);
        string variance2 = g.AddNode("Exp", "kl.variance", logVariance);
        string a = g.AddNode("Sub", "kl.minus_mean_square", onePlusLog, meanSquare);
        string b = g.AddNode("Sub", "kl.minus_variance", a, variance2);
        string klSum = Sum("kl.sum", b, "ones.latent");
        if (squeezeKl)
        {
            g.AddInt64Initializer("kl.shape", [1], 1);
            klSum = g.AddNode("Reshape", "kl.sum.row", klSum, "kl.shape");
        }
        string kl = g.AddNode("Mul", "kl", klSum, "minus_half");
        g.AddNode("Add", names.Score!, reconstructionTerm, kl);
        g.AddOutput(names.Score!, batched ? [null, 1] : [1]);
    }

    /// <summary>The RandomNormalLike seed: an ONNX float attribute, so the model's seed is folded into the 24 bits a float holds exactly.</summary>
    private static float SampleSeed(AutoencoderModelInfo info) => info.Seed & 0xFFFFFF;

    public static (AutoencoderModelInfo Info, VaeWeights Weights) Read(ModelProto model)
    {
        var info = MlpOnnxModel.ReadInfo(model);
        if (!info.IsVae)
            throw new InvalidDataException($"The model is a {info.Kind}, not a variational autoencoder; load it with AutoencoderTransformer.Load.");
        if (info.LayerSizes.Length < 2 || info.Likelihood is not (VaeLikelihood.Bernoulli or VaeLikelihood.Gaussian) || !Enum.IsDefined(info.Output)
            || (info.Likelihood == VaeLikelihood.Gaussian && !(info.GaussianVariance > 0 && double.IsFinite(info.GaussianVariance))))
            throw new InvalidDataException("The variational autoencoder's description is damaged (likelihood, output or variance).");
        var arch = info.VaeArchitecture;
        int hidden = arch.HiddenCount;
        int[] sizes = arch.DenseSizes;
        int latent = arch.LatentSize, head = arch.HeadInputSize;
        var table = new InitializerTable(model);
        var weights = new VaeWeights(arch);
        for (int i = 0; i < hidden; i++)
        {
            weights.EncoderWeights[i] = MlpOnnxModel.Transpose(table.Get($"encoder.{i}.weight", (long)sizes[i] * sizes[i + 1]), sizes[i], sizes[i + 1]);
            weights.EncoderBiases[i] = table.Get($"encoder.{i}.bias", sizes[i + 1]);
        }
        weights.MeanWeight = MlpOnnxModel.Transpose(table.Get("mean.weight", (long)head * latent), head, latent);
        weights.MeanBias = table.Get("mean.bias", latent);
        weights.LogVarianceWeight = MlpOnnxModel.Transpose(table.Get("log_variance.weight", (long)head * latent), head, latent);
        weights.LogVarianceBias = table.Get("log_variance.bias", latent);
        for (int i = 0; i <= hidden; i++)
        {
            int inSize = sizes[hidden + 1 - i], outSize = sizes[hidden - i];
            weights.DecoderWeights[i] = MlpOnnxModel.Transpose(table.Get($"decoder.{i}.weight", (long)inSize * outSize), inSize, outSize);
            weights.DecoderBiases[i] = table.Get($"decoder.{i}.bias", outSize);
        }
        if (arch.Convolution is { } conv) weights.Convolution = ConvolutionOnnx.Read(table, conv, tied: false);
        return (info, weights);
    }
}
