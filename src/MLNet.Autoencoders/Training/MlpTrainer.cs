using System.Diagnostics;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>Trains an <see cref="MlpAutoencoderNetwork"/> with Adam on rows held in one tensor.</summary>
internal static class MlpTrainer
{
    private const int EvaluationBatchSize = 1024;

    public static TrainingResult Train(FeatureMatrix data, MlpArchitecture architecture, TrainingSettings settings,
        Action<EpochReport> report, Action checkAlive)
    {
        if (settings.NumberOfThreads is int threads) torch.set_num_threads(threads);
        var random = new Random(settings.Seed);
        var (trainRows, validationRows) = Split(data.Rows, settings.ValidationFraction, random);

        using var generator = new Generator((ulong)(uint)settings.Seed);
        using var network = new MlpAutoencoderNetwork(architecture, generator);
        using var all = torch.tensor(data.Values.Length == data.Rows * data.Columns ? data.Values : data.Values.AsSpan(0, data.Rows * data.Columns).ToArray(),
            new long[] { data.Rows, data.Columns });
        using var optimizer = optim.Adam(network.parameters(), settings.LearningRate, weight_decay: settings.WeightDecay);
        using var validationIndex = validationRows.Length > 0 ? torch.tensor(validationRows) : null;

        var history = new List<EpochReport>();
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, epochsWithoutImprovement = 0;
        Dictionary<string, Tensor>? bestState = null;
        long steps = 0;
        try
        {
            for (int epoch = 1; epoch <= settings.Epochs; epoch++)
            {
                checkAlive();
                var watch = Stopwatch.StartNew();
                Shuffle(trainRows, random);
                network.train();
                double lossSum = 0;
                for (int start = 0; start < trainRows.Length; start += settings.BatchSize)
                {
                    checkAlive();
                    using var scope = torch.NewDisposeScope();
                    int count = Math.Min(settings.BatchSize, trainRows.Length - start);
                    var batch = all.index_select(0, torch.tensor(trainRows.AsSpan(start, count).ToArray()));
                    var loss = Loss(network.forward(batch), batch, settings.Loss, architecture.OutputActivation);
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>() * count;
                    if (++steps % NativeMemory.StepsBetweenReleases == 0) NativeMemory.ReleaseFreePages();
                }
                double trainLoss = lossSum / trainRows.Length;
                watch.Stop();
                if (!double.IsFinite(trainLoss))
                    throw new InvalidOperationException(
                        $"Training diverged in epoch {epoch}: the training loss became {trainLoss}. Lower the learning rate (now {settings.LearningRate}) or normalize the input.");

                double? validationLoss = validationIndex is null ? null : Evaluate(network, all, validationIndex, settings.Loss, architecture.OutputActivation);
                double monitored = validationLoss ?? trainLoss;
                bool isBest = validationLoss is null || monitored < bestLoss;
                if (isBest)
                {
                    bestLoss = monitored;
                    bestEpoch = epoch;
                    epochsWithoutImprovement = 0;
                    if (validationLoss is not null) bestState = Snapshot(network, bestState);
                }
                else
                {
                    epochsWithoutImprovement++;
                }
                var epochReport = new EpochReport(epoch, settings.Epochs, trainLoss, validationLoss, watch.Elapsed, isBest);
                history.Add(epochReport);
                report(epochReport);
                if (validationLoss is not null && epochsWithoutImprovement >= settings.EarlyStoppingPatience) break;
            }
            if (bestState is not null) Restore(network, bestState);
            return new TrainingResult(network.ExportWeights(), history, bestEpoch);
        }
        finally
        {
            if (bestState is not null)
                foreach (var t in bestState.Values) t.Dispose();
        }
    }

    /// <summary>Mean loss per input value: MSE on the output, or binary cross-entropy computed from the logits
    /// (numerically stable, and equal to BCE on the sigmoid output).</summary>
    internal static Tensor Loss(Tensor logits, Tensor target, ReconstructionLoss loss, OutputActivation output) => loss switch
    {
        ReconstructionLoss.BinaryCrossEntropy => nn.functional.binary_cross_entropy_with_logits(logits, target),
        _ => nn.functional.mse_loss(output == OutputActivation.Sigmoid ? logits.sigmoid() : logits, target),
    };

    private static double Evaluate(MlpAutoencoderNetwork network, Tensor all, Tensor rows, ReconstructionLoss lossKind, OutputActivation output)
    {
        network.eval();
        using var noGrad = torch.no_grad();
        double sum = 0;
        long n = rows.shape[0];
        for (long start = 0; start < n; start += EvaluationBatchSize)
        {
            using var scope = torch.NewDisposeScope();
            long count = Math.Min(EvaluationBatchSize, n - start);
            var batch = all.index_select(0, rows.narrow(0, start, count));
            sum += Loss(network.forward(batch), batch, lossKind, output).item<float>() * count;
        }
        return sum / n;
    }

    private static Dictionary<string, Tensor> Snapshot(MlpAutoencoderNetwork network, Dictionary<string, Tensor>? previous)
    {
        if (previous is not null)
            foreach (var t in previous.Values) t.Dispose();
        using var noGrad = torch.no_grad();
        return network.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());
    }

    private static void Restore(MlpAutoencoderNetwork network, Dictionary<string, Tensor> state)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in network.named_parameters())
            parameter.copy_(state[name]);
    }

    /// <summary>Seeded split of row indices into training and validation rows; both non-empty when validating.</summary>
    internal static (long[] Train, long[] Validation) Split(int rows, double validationFraction, Random random)
    {
        var order = Enumerable.Range(0, rows).Select(i => (long)i).ToArray();
        if (validationFraction <= 0) return (order, []);
        if (rows < 2)
            throw new InvalidOperationException($"A validation fraction of {validationFraction} needs at least 2 rows; the data has {rows}.");
        Shuffle(order, random);
        int validation = Math.Clamp((int)Math.Round(rows * validationFraction), 1, rows - 1);
        var train = order[validation..];
        Array.Sort(train);
        return (train, order[..validation]);
    }

    private static void Shuffle(long[] values, Random random)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
