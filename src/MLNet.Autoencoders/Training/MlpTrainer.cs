using System.Diagnostics;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Native;
using MLNet.Autoencoders.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>
/// Trains an <see cref="MlpAutoencoderNetwork"/> with Adam on rows held in one tensor: optional greedy layer-wise
/// pretraining, then end-to-end epochs with optional validation and early stopping. For a denoising autoencoder each
/// batch is corrupted afresh and the loss compares the output with the clean batch.
/// </summary>
internal static class MlpTrainer
{
    private const int EvaluationBatchSize = 1024;

    /// <summary>Trains; <paramref name="openRows"/> makes the row source from the trainer's seeded generator (which splits
    /// off the validation rows in memory), <paramref name="checkAlive"/> runs between batches and may throw to cancel.
    /// With <paramref name="startFrom"/> the network starts from those weights (of the same architecture) instead of its
    /// seeded initialisation, skips greedy pretraining, and reports its epochs as <see cref="EpochReport.ContinuedTrainingStage"/>.
    /// With <paramref name="checkpoints"/> it writes checkpoints and resumes from one (see <see cref="TrainingCheckpoint"/>).</summary>
    public static TrainingResult Train(Func<Random, TrainingRows> openRows, MlpArchitecture architecture, TrainingSettings settings,
        Corruption? corruption, Action<EpochReport> report, Action checkAlive, MlpWeights? startFrom = null, CheckpointSettings? checkpoints = null)
    {
        TorchSharpNativeLoader.EnsureInitialized();
        using var keepFreedMemory = NativeMemory.KeepFreedMemoryWhileTraining();
        if (settings.NumberOfThreads is int threads) torch.set_num_threads(threads);
        var random = new Random(settings.Seed);
        using var rows = openRows(random);

        using var initGenerator = new Generator((ulong)(uint)settings.Seed);
        // Noise has its own stream, so switching corruption on or off does not change the initial weights.
        using var noiseGenerator = new Generator((ulong)(uint)settings.Seed + 2);
        using var network = new MlpAutoencoderNetwork(architecture, initGenerator);
        if (startFrom is not null) network.ImportWeights(startFrom);
        var resume = checkpoints?.LoadResume();
        string stage = startFrom is null ? EpochReport.TrainingStage : EpochReport.ContinuedTrainingStage;
        var (low, high) = rows.Range;
        var history = new List<EpochReport>(resume?.History ?? []);

        if (settings.Pretraining == Pretraining.GreedyLayerWise && startFrom is null)
        {
            // Pretraining encodes every training row at each layer, so it needs the rows in memory (the options refuse streaming with it).
            var inMemory = (InMemoryTrainingRows)rows;
            Pretrain(network, inMemory.All, inMemory.TrainIndex, settings, corruption, noiseGenerator, low, high, random, history, report, checkAlive, checkpoints, resume);
        }

        using var optimizer = optim.Adam(network.parameters(), settings.LearningRate, weight_decay: settings.WeightDecay);
        using var tracker = new BestEpochTracker(network, settings.EarlyStoppingPatience, rows.HasValidation);
        int done = 0;
        if (resume is { Info.PretrainingLayer: null })
        {
            resume.Restore(network, optimizer, noiseGenerator);
            tracker.Restore(resume.Info.BestEpoch, resume.Info.BestLoss, resume.Info.EpochsWithoutImprovement, resume.BestWeights());
            done = resume.Info.Epoch;
            // The data order needs no saved state: replay the seeded shuffles of the epochs already done.
            for (int epoch = 1; epoch <= done; epoch++) ReplayShuffle(rows.TrainBatches(settings.BatchSize, random));
        }
        for (int epoch = done + 1; epoch <= settings.Epochs && !tracker.ShouldStop; epoch++)
        {
            var watch = Stopwatch.StartNew();
            double trainLoss = RunEpoch(rows.TrainBatches(settings.BatchSize, random), rows.TrainCount, optimizer, checkAlive, batch =>
            {
                var input = corruption?.Apply(batch, noiseGenerator, low, high) ?? batch;
                return [Loss(network.forward(input), batch, settings.Loss, architecture.OutputActivation)];
            })[0];
            watch.Stop();
            CheckFinite(trainLoss, epoch, "", settings);

            double? validationLoss = !rows.HasValidation ? null
                : EvaluateMeans(network, rows.ValidationBatches(), batch => [Loss(network.forward(batch), batch, settings.Loss, architecture.OutputActivation)])[0];
            bool isBest = tracker.Update(epoch, validationLoss ?? trainLoss);
            var epochReport = new EpochReport(epoch, settings.Epochs, trainLoss, validationLoss, watch.Elapsed, isBest, stage);
            history.Add(epochReport);
            // The checkpoint is on disk before anyone hears of the epoch.
            if (checkpoints?.DueAfter(epoch) == true)
                TrainingCheckpoint.Capture(checkpoints.Kind, checkpoints.Fingerprint, null, epoch, history, network, optimizer, noiseGenerator, tracker).Save(checkpoints.Path!);
            report(epochReport);
        }
        tracker.RestoreBest();
        return new TrainingResult(network.ExportWeights(), history, tracker.BestEpoch);
    }

    /// <summary>Runs through an epoch's batches without making them: the shuffle draws from the generator exactly as training did.</summary>
    internal static void ReplayShuffle(IEnumerable<RowBatch> batches)
    {
        foreach (var _ in batches)
        {
        }
    }

    /// <summary>
    /// Greedy layer-wise pretraining: layer k learns, as a one-layer autoencoder, to rebuild its own input — the data for
    /// k = 0, else the code of the (frozen) layers below, computed once. The first layer rebuilds the input through the
    /// output activation and loss; deeper layers rebuild a hidden code with MSE. The weights stay in the network, so
    /// fine-tuning starts from them. Resuming, the layers the checkpoint had finished are not trained again (their shuffles
    /// are replayed and their codes recomputed from the restored weights).
    /// </summary>
    private static void Pretrain(MlpAutoencoderNetwork network, Tensor all, Tensor trainIndex, TrainingSettings settings,
        Corruption? corruption, Generator noiseGenerator, float low, float high, Random random, List<EpochReport> history,
        Action<EpochReport> report, Action checkAlive, CheckpointSettings? checkpoints, TrainingCheckpoint? resume)
    {
        var arch = network.Architecture;
        int n = arch.LayerCount;
        // The stage the checkpoint was written in: a layer, or n when pretraining had finished.
        int resumeLayer = resume is null ? -1 : resume.Info.PretrainingLayer ?? n;
        if (resume is not null) resume.RestoreNetwork(network);
        var input = all.index_select(0, trainIndex);
        var rowOrder = Enumerable.Range(0, (int)input.shape[0]).Select(i => (long)i).ToArray();
        try
        {
            for (int k = 0; k < n; k++)
            {
                if (k < resumeLayer)
                {
                    for (int epoch = 1; epoch <= settings.PretrainingEpochsPerLayer; epoch++) InMemoryTrainingRows.Shuffle(rowOrder, random);
                    if (resumeLayer == n || k == n - 1) continue;
                    var code = EncodeAll(network, k, input);
                    input.Dispose();
                    input = code;
                    continue;
                }
                string stage = $"pretraining layer {k + 1}";
                int layer = k, mirror = n - 1 - k;
                float layerLow = low, layerHigh = high;
                if (k > 0)
                {
                    using var min = input.min();
                    using var max = input.max();
                    (layerLow, layerHigh) = (min.item<float>(), max.item<float>());
                }
                using var optimizer = optim.Adam(network.LayerParameters(k), settings.LearningRate, weight_decay: settings.WeightDecay);
                network.train();
                int done = 0;
                if (k == resumeLayer)
                {
                    resume!.Restore(network, optimizer, noiseGenerator);
                    done = resume.Info.Epoch;
                    for (int epoch = 1; epoch <= done; epoch++) InMemoryTrainingRows.Shuffle(rowOrder, random);
                }
                for (int epoch = done + 1; epoch <= settings.PretrainingEpochsPerLayer; epoch++)
                {
                    var watch = Stopwatch.StartNew();
                    double loss = RunEpoch(Batches(input, rowOrder, settings.BatchSize, random), rowOrder.Length, optimizer, checkAlive, batch =>
                    {
                        // Clipping bounds are for the data; hidden codes are corrupted without them.
                        var corrupted = corruption?.Apply(batch, noiseGenerator, layerLow, layerHigh, clip: layer == 0) ?? batch;
                        var output = network.DecodeLayer(mirror, network.EncodeLayer(layer, corrupted));
                        return [layer == 0 ? Loss(output, batch, settings.Loss, arch.OutputActivation) : nn.functional.mse_loss(output, batch)];
                    })[0];
                    watch.Stop();
                    CheckFinite(loss, epoch, stage + " ", settings);
                    var epochReport = new EpochReport(epoch, settings.PretrainingEpochsPerLayer, loss, null, watch.Elapsed, isBest: false, stage);
                    history.Add(epochReport);
                    if (checkpoints?.DueAfter(epoch) == true)
                        TrainingCheckpoint.Capture(checkpoints.Kind, checkpoints.Fingerprint, k, epoch, history, network, optimizer, noiseGenerator, null).Save(checkpoints.Path!);
                    report(epochReport);
                }
                if (k == n - 1) break;
                var next = EncodeAll(network, k, input);
                input.Dispose();
                input = next;
            }
        }
        finally
        {
            input.Dispose();
        }
    }

    private static Tensor EncodeAll(MlpAutoencoderNetwork network, int layer, Tensor input)
    {
        network.eval();
        try
        {
            using var noGrad = torch.no_grad();
            // The outer scope frees the parts, a scope per batch its row view and pre-activations at once; only the result leaves.
            using var scope = torch.NewDisposeScope();
            var parts = new List<Tensor>();
            for (long start = 0; start < input.shape[0]; start += EvaluationBatchSize)
            {
                using var batch = torch.NewDisposeScope();
                parts.Add(network.EncodeLayer(layer, input.narrow(0, start, Math.Min(EvaluationBatchSize, input.shape[0] - start))).MoveToOuterDisposeScope());
            }
            return torch.cat(parts, 0).MoveToOuterDisposeScope();
        }
        finally
        {
            network.train();
        }
    }

    /// <summary>Shuffled batches of <paramref name="rows"/> of an in-memory tensor (pretraining's layer codes).</summary>
    private static IEnumerable<RowBatch> Batches(Tensor data, long[] rows, int batchSize, Random random)
    {
        InMemoryTrainingRows.Shuffle(rows, random);
        for (int start = 0; start < rows.Length; start += batchSize)
        {
            var chunk = rows.AsSpan(start, Math.Min(batchSize, rows.Length - start)).ToArray();
            yield return new RowBatch(chunk.Length, () => data.index_select(0, torch.tensor(chunk)));
        }
    }

    /// <summary>One pass over <paramref name="batches"/>. <paramref name="batchTerms"/> gives, for a batch, the loss to
    /// minimise first and then any terms to track (each a batch mean); returns each term's mean per row over the epoch.</summary>
    internal static double[] RunEpoch(IEnumerable<RowBatch> batches, long rowCount, optim.Optimizer optimizer, Action checkAlive, Func<Tensor, Tensor[]> batchTerms)
    {
        double[]? sums = null;
        int steps = 0;
        foreach (var (count, make) in batches)
        {
            checkAlive();
            using var scope = torch.NewDisposeScope();
            var terms = batchTerms(make());
            Gradients.Clear(optimizer);
            terms[0].backward();
            FusedAdam.Step(optimizer);
            sums ??= new double[terms.Length];
            for (int t = 0; t < terms.Length; t++) sums[t] += terms[t].item<float>() * count;
            NativeMemory.AfterStep(++steps);
        }
        NativeMemory.ReleaseAfterEpoch();
        return sums!.Select(sum => sum / rowCount).ToArray();
    }

    internal static void CheckFinite(double loss, int epoch, string stage, TrainingSettings settings)
    {
        if (!double.IsFinite(loss))
            throw new InvalidOperationException(
                $"Training diverged in {stage}epoch {epoch}: the training loss became {loss}. Lower the learning rate (now {settings.LearningRate}) or normalize the input.");
    }

    /// <summary>Mean loss per input value: MSE on the output, or binary cross-entropy computed from the logits
    /// (numerically stable, and equal to BCE on the sigmoid output).</summary>
    internal static Tensor Loss(Tensor logits, Tensor target, ReconstructionLoss loss, OutputActivation output) => loss switch
    {
        ReconstructionLoss.BinaryCrossEntropy => nn.functional.binary_cross_entropy_with_logits(logits, target),
        _ => nn.functional.mse_loss(output == OutputActivation.Sigmoid ? logits.sigmoid() : logits, target),
    };

    /// <summary>Each term's mean per row over <paramref name="batches"/>, in evaluation mode without gradients.</summary>
    internal static double[] EvaluateMeans(nn.Module network, IEnumerable<RowBatch> batches, Func<Tensor, Tensor[]> batchTerms)
    {
        network.eval();
        try
        {
            using var noGrad = torch.no_grad();
            double[]? sums = null;
            long n = 0;
            foreach (var (count, make) in batches)
            {
                using var scope = torch.NewDisposeScope();
                var terms = batchTerms(make());
                sums ??= new double[terms.Length];
                for (int t = 0; t < terms.Length; t++) sums[t] += terms[t].item<float>() * count;
                n += count;
            }
            return sums!.Select(sum => sum / n).ToArray();
        }
        finally
        {
            network.train();
        }
    }
}
