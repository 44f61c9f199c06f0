using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Inference;
using MLNet.Autoencoders.Native;
using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Onnx;
using MLNet.Autoencoders.Persistence;
using MLNet.Autoencoders.Training;
using MLNet.Autoencoders.Transformers;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders;

/// <summary>
/// A fitted variational autoencoder: maps the input column to its latent mean (or a draw) and, on request, the
/// log-variance, the reconstruction and a negative-ELBO score; and it generates new rows, decodes latents, interpolates
/// between rows and measures the ELBO and an importance-weighted log-likelihood.
/// </summary>
/// <remarks>
/// <para>Featurizing works like <see cref="AutoencoderTransformer"/>: an ONNX graph, scored in batches by ONNX Runtime in
/// <see cref="Transform(IDataView)"/>, served by ML.NET's <c>OnnxTransformer</c> for <c>PredictionEngine</c> and
/// <c>mlContext.Model.Save</c>, so a saved zip loads with plain <c>mlContext.Model.Load</c> without this library. The zip
/// keeps the decoder, so <see cref="Load(MLContext, string, string?)"/> gives back a transformer that still generates.</para>
/// <para><see cref="Generate"/>, <see cref="Decode"/>, <see cref="Interpolate"/> and <see cref="Evaluate"/> run the network
/// in TorchSharp (inference mode). The transformer is thread-safe; dispose it to free its sessions and tensors.</para>
/// </remarks>
public sealed partial class VaeTransformer : ITransformer, IDisposable
{
    /// <summary>The column <see cref="Generate"/> writes.</summary>
    public const string GeneratedColumnName = "Features";

    private const int EvaluationCells = 1 << 22;

    private readonly OnnxFeaturizer featurizer;
    private readonly object networkLock = new();
    private VaeNetwork? network;
    private Generator? networkNoise;
    private bool disposed;

    internal VaeTransformer(TransformsCatalog transforms, AutoencoderModelInfo info, VaeWeights weights)
    {
        Info = info;
        Weights = weights;
        var internalNames = VaeTensorNames.Internal;
        var outputs = new OutputColumns(info.InputColumn, InputSize, new[]
        {
            new OutputColumn(internalNames.Latent, info.LatentColumn, LatentDimension),
            info.LogVarianceColumn is null ? null : new OutputColumn(internalNames.LogVariance!, info.LogVarianceColumn, LatentDimension),
            info.ReconstructionColumn is null ? null : new OutputColumn(internalNames.Reconstruction!, info.ReconstructionColumn, InputSize),
            info.ScoreColumn is null ? null : new OutputColumn(internalNames.Score!, info.ScoreColumn, 1),
        }.OfType<OutputColumn>());
        var batched = MlpOnnxModel.ToBytes(VaeOnnxModel.Build(weights, info, internalNames, batched: true));
        featurizer = new OnnxFeaturizer(transforms, outputs, batched, internalNames.Input, BuildServingModel, "the VAE");
        TrainingHistory = info.History.Select(h => h.ToVaeReport(h.Beta ?? info.Beta, info.Beta)).ToArray();
    }

    internal AutoencoderModelInfo Info { get; }

    internal VaeWeights Weights { get; }

    /// <summary>The input column's name.</summary>
    public string InputColumnName => Info.InputColumn;

    /// <summary>The column that holds the latent mean (or draw, see <see cref="Output"/>).</summary>
    public string OutputColumnName => Info.LatentColumn;

    /// <summary>The log-variance column's name, or null when it is not produced.</summary>
    public string? LogVarianceColumnName => Info.LogVarianceColumn;

    /// <summary>The reconstruction column's name, or null when it is not produced.</summary>
    public string? ReconstructionColumnName => Info.ReconstructionColumn;

    /// <summary>The negative-ELBO score column's name, or null when it is not produced.</summary>
    public string? ScoreColumnName => Info.ScoreColumn;

    /// <summary>Number of values in an input row.</summary>
    public int InputSize => Info.LayerSizes[0];

    /// <summary>Number of values in a latent vector.</summary>
    public int LatentDimension => Info.LayerSizes[^1];

    /// <summary>The layer sizes: input, hidden layers, latent. The decoder mirrors them.</summary>
    public IReadOnlyList<int> LayerSizes => Info.LayerSizes;

    /// <summary>The likelihood the model was trained with.</summary>
    public VaeLikelihood Likelihood => Info.Likelihood ?? VaeLikelihood.Bernoulli;

    /// <summary>The KL weight the model was trained with.</summary>
    public double Beta => Info.Beta;

    /// <summary>What the output column holds.</summary>
    public VaeOutput Output => Info.Output;

    /// <summary>The convolutional front (image shape, channels per stage, kernel, stride), or null for a fully connected VAE.
    /// A copy: changing it does not change the model.</summary>
    public ConvolutionOptions? Convolution => Info.Convolution is { } c
        ? new ConvolutionOptions(new ImageShape(c.Channels, c.Height, c.Width)) { Channels = (int[])c.StageChannels.Clone(), KernelSize = c.KernelSize, Stride = c.Stride }
        : null;

    /// <summary>Per-epoch reconstruction term, KL and total, for the training and validation rows.</summary>
    public IReadOnlyList<VaeEpochReport> TrainingHistory { get; }

    /// <summary>The epoch whose weights the model holds (the best validation epoch under early stopping, else the last).</summary>
    public int BestEpoch => Info.BestEpoch;

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <summary>The mean of q(z|x) for one row (always the mean, whatever <see cref="Output"/> says).</summary>
    /// <exception cref="ArgumentException">The row does not have <see cref="InputSize"/> values.</exception>
    public float[] Encode(ReadOnlySpan<float> row) => ScoreOne(row, MeanTensor, LatentDimension);

    /// <summary>log σ² of q(z|x) for one row.</summary>
    /// <exception cref="ArgumentException">The row does not have <see cref="InputSize"/> values.</exception>
    public float[] EncodeLogVariance(ReadOnlySpan<float> row) => ScoreOne(row, Internal.LogVariance!, LatentDimension);

    /// <summary>The decoded mean of one row: the model's rebuild of it (probabilities for the Bernoulli likelihood).</summary>
    /// <exception cref="ArgumentException">The row does not have <see cref="InputSize"/> values.</exception>
    public float[] Reconstruct(ReadOnlySpan<float> row) => ScoreOne(row, Internal.Reconstruction!, InputSize);

    /// <summary>The negative ELBO of one row at its posterior mean, in nats: the anomaly score of the score column.</summary>
    /// <exception cref="ArgumentException">The row does not have <see cref="InputSize"/> values.</exception>
    public float NegativeElbo(ReadOnlySpan<float> row) => ScoreOne(row, Internal.Score!, 1)[0];

    private static VaeTensorNames Internal => VaeTensorNames.Internal;

    // In Sample mode the latent output is a draw; the mean is a separate output of the batched graph.
    private string MeanTensor => Output == VaeOutput.Sample ? VaeOnnxModel.MeanTensor : Internal.Latent;

    private float[] ScoreOne(ReadOnlySpan<float> row, string tensor, int width)
    {
        var result = new float[width];
        featurizer.ScoreOne(row, new OutputBuffer(tensor, result, width));
        return result;
    }

    /// <summary>Decodes one latent vector to a row (probabilities for the Bernoulli likelihood).</summary>
    /// <exception cref="ArgumentException">The vector does not have <see cref="LatentDimension"/> values.</exception>
    public float[] Decode(ReadOnlySpan<float> latent)
    {
        if (latent.Length != LatentDimension)
            throw new ArgumentException($"The latent vector has {latent.Length} values, but the VAE's latent has {LatentDimension}.", nameof(latent));
        return DecodeRows(latent.ToArray(), 1)[0];
    }

    /// <summary>
    /// Draws <paramref name="count"/> latents from the prior N(0, I) and decodes them: new rows like the training data.
    /// The rows are the decoder's means (pixel probabilities for the Bernoulli likelihood), not noisy samples of them.
    /// </summary>
    /// <param name="count">Rows to generate (at least 1).</param>
    /// <param name="seed">Seeds the draws: the same seed gives the same rows.</param>
    /// <returns>A data view with one column, <see cref="GeneratedColumnName"/>, a vector of <see cref="InputSize"/> Single.</returns>
    public IDataView Generate(int count, int seed)
    {
        var rows = GenerateRows(count, seed);
        var values = new float[count * InputSize];
        for (int i = 0; i < count; i++) rows[i].CopyTo(values, i * InputSize);
        return new MatrixDataView(values, count, InputSize, GeneratedColumnName);
    }

    /// <summary>Like <see cref="Generate"/>, as arrays.</summary>
    /// <inheritdoc cref="Generate"/>
    public float[][] GenerateRows(int count, int seed)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Generate needs a count of at least 1.");
        TorchSharpNativeLoader.EnsureInitialized();
        using var generator = new Generator((ulong)(uint)seed);
        lock (networkLock)
        {
            var net = Network();
            using var scope = torch.NewDisposeScope();
            var z = torch.randn([count, LatentDimension], generator: generator);
            return ToRows(DecodeMean(net, z), count, InputSize);
        }
    }

    /// <summary>
    /// Walks the latent space in a straight line from row <paramref name="from"/>'s mean to row <paramref name="to"/>'s and
    /// decodes <paramref name="steps"/> evenly spaced points, both ends included.
    /// </summary>
    /// <exception cref="ArgumentException">A row does not have <see cref="InputSize"/> values, or <paramref name="steps"/> is below 2.</exception>
    public float[][] Interpolate(ReadOnlySpan<float> from, ReadOnlySpan<float> to, int steps)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Interpolate needs at least 2 steps (the two ends).");
        var a = Encode(from);
        var b = Encode(to);
        var latents = new float[steps * LatentDimension];
        for (int s = 0; s < steps; s++)
        {
            float t = (float)s / (steps - 1);
            for (int j = 0; j < LatentDimension; j++) latents[s * LatentDimension + j] = (1 - t) * a[j] + t * b[j];
        }
        return DecodeRows(latents, steps);
    }

    private float[][] DecodeRows(float[] latents, int count)
    {
        lock (networkLock)
        {
            var net = Network();
            using var scope = torch.NewDisposeScope();
            return ToRows(DecodeMean(net, torch.tensor(latents, [count, LatentDimension])), count, InputSize);
        }
    }

    private Tensor DecodeMean(VaeNetwork net, Tensor z)
    {
        using var noGrad = torch.no_grad();
        var output = net.Decode(z);
        return Likelihood == VaeLikelihood.Bernoulli ? output.sigmoid() : output;
    }

    private static float[][] ToRows(Tensor t, int rows, int width)
    {
        var flat = t.contiguous().data<float>().ToArray();
        return Enumerable.Range(0, rows).Select(i => flat.AsSpan(i * width, width).ToArray()).ToArray();
    }

    /// <summary>
    /// Measures the model on the input column of <paramref name="data"/>: the mean reconstruction term, KL and ELBO per row,
    /// and the importance-weighted log-likelihood bound with <paramref name="importanceSamples"/> draws per row
    /// (Burda, Grosse &amp; Salakhutdinov 2016). Costs about <paramref name="importanceSamples"/> decoder passes per row.
    /// </summary>
    /// <param name="data">Rows to measure (the input column must match the model).</param>
    /// <param name="importanceSamples">K, the draws per row for the importance-weighted bound (at least 1; 1 gives a one-sample ELBO).</param>
    /// <param name="seed">Seeds the draws.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="importanceSamples"/> is below 1, or the column does not fit.</exception>
    public VaeEvaluation Evaluate(IDataView data, int importanceSamples = 100, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (importanceSamples < 1)
            throw new ArgumentOutOfRangeException(nameof(importanceSamples), importanceSamples, "importanceSamples (K) must be at least 1.");
        int size = FeatureColumn.GetVectorSize(data.Schema, InputColumnName, "the VAE", nameof(data));
        if (size != InputSize)
            throw new ArgumentOutOfRangeException(nameof(data), $"Column '{InputColumnName}' has {size} features, but the VAE expects {InputSize}.");
        var matrix = FeatureColumn.Read(data, InputColumnName, size);
        int k = importanceSamples;
        TorchSharpNativeLoader.EnsureInitialized();
        int chunk = Math.Max(1, EvaluationCells / (k * InputSize));
        double reconstructionSum = 0, klSum = 0, iwaeSum = 0;
        using var generator = new Generator((ulong)(uint)seed);
        lock (networkLock)
        {
            var net = Network();
            var arch = Weights.Architecture;
            using var noGrad = torch.no_grad();
            for (int start = 0; start < matrix.Rows; start += chunk)
            {
                using var scope = torch.NewDisposeScope();
                int n = Math.Min(chunk, matrix.Rows - start);
                var x = torch.tensor(matrix.Values.AsSpan(start * size, n * size).ToArray(), [n, size]);
                var (mean, logVariance) = net.Encode(x);
                var sigma = (0.5 * logVariance).exp();
                var one = mean + sigma * torch.randn(mean.shape, generator: generator);
                reconstructionSum += VaeLoss.Reconstruction(net.Decode(one), x, arch).sum().item<float>();
                klSum += VaeLoss.Kl(mean, logVariance).sum().item<float>();
                // log w_k = log p(x|z_k) + log p(z_k) − log q(z_k|x), then log of the mean of w_k.
                var z = mean.unsqueeze(0) + sigma.unsqueeze(0) * torch.randn([k, n, LatentDimension], generator: generator);
                var logLikelihood = -VaeLoss.Reconstruction(net.Decode(z), x.unsqueeze(0).expand(k, n, size), arch);
                var logWeights = logLikelihood + VaeLoss.LogStandardNormal(z) - VaeLoss.LogNormal(z, mean.unsqueeze(0), logVariance.unsqueeze(0));
                iwaeSum += (torch.logsumexp(logWeights, 0) - Math.Log(k)).to_type(ScalarType.Float64).sum().item<double>();
            }
        }
        return new VaeEvaluation(matrix.Rows, reconstructionSum / matrix.Rows, klSum / matrix.Rows, iwaeSum / matrix.Rows, k);
    }

    // The TorchSharp network behind generation and evaluation, built from the weights on first use (outside any dispose
    // scope: the network outlives the call).
    private VaeNetwork Network()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (network is not null) return network;
        TorchSharpNativeLoader.EnsureInitialized();
        using var init = new Generator(0);
        networkNoise = new Generator((ulong)(uint)Info.Seed + 3);
        network = new VaeNetwork(Weights.Architecture, init, networkNoise);
        network.ImportWeights(Weights);
        network.eval();
        return network;
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => featurizer.GetOutputSchema(inputSchema);

    /// <summary>Adds the VAE's columns to <paramref name="input"/>. Lazy: rows are scored, a batch at a time, as a cursor reads them.</summary>
    public IDataView Transform(IDataView input) => featurizer.Transform(input);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => featurizer.GetRowToRowMapper(inputSchema);

    /// <summary>Saves the ONNX graph through ML.NET's OnnxTransformer, so the zip loads without this library.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => featurizer.Save(ctx);

    /// <summary>The single-row ONNX model as it is saved (graph input and outputs named after the columns).</summary>
    internal byte[] GetServingOnnxModel() => featurizer.GetServingModel();

    private byte[] BuildServingModel(Func<string, string> tensor)
    {
        string? Name(string? column) => column is null ? null : tensor(column);
        var names = new VaeTensorNames(InputColumnName, tensor(OutputColumnName), Name(LogVarianceColumnName), Name(ReconstructionColumnName), Name(ScoreColumnName));
        return MlpOnnxModel.ToSavedBytes(VaeOnnxModel.Build(Weights, Info, names, batched: false));
    }

    /// <summary>Finds the VAE in a model zip written by <c>mlContext.Model.Save</c> and gives it back typed, able to generate.</summary>
    /// <param name="mlContext">The context the loaded transformer will use.</param>
    /// <param name="path">The zip file.</param>
    /// <param name="outputColumnName">Which VAE, when the pipeline has several: the one writing this latent column. Null: the first.</param>
    /// <exception cref="InvalidDataException">The file is not a model zip, or it holds no VAE (of that name).</exception>
    public static VaeTransformer Load(MLContext mlContext, string path, string? outputColumnName = null)
    {
        using var stream = File.OpenRead(path);
        return Load(mlContext, stream, outputColumnName);
    }

    /// <summary>Finds the VAE in a model zip stream and gives it back typed.</summary>
    /// <inheritdoc cref="Load(MLContext, string, string?)"/>
    public static VaeTransformer Load(MLContext mlContext, Stream stream, string? outputColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return ModelZip.Load(stream, outputColumnName, vae: true, model =>
        {
            var (info, weights) = VaeOnnxModel.Read(model);
            return new VaeTransformer(mlContext.Transforms, info, weights);
        });
    }

    /// <summary>Frees the ONNX Runtime sessions and the TorchSharp network.</summary>
    public void Dispose()
    {
        lock (networkLock)
        {
            if (disposed) return;
            disposed = true;
            featurizer.Dispose();
            network?.Dispose();
            networkNoise?.Dispose();
        }
    }
}
