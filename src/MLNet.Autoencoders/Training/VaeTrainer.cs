using System.Diagnostics;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Native;
using MLNet.Autoencoders.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>
/// Trains a <see cref="VaeNetwork"/> with Adam on the negative ELBO (reconstruction + beta × KL, mean per row), with an
/// optional linear KL warm-up and the same validation and early stopping as the autoencoder.
/// </summary>
internal static class VaeTrainer
{
    public static (VaeWeights Weights, IReadOnlyList<VaeEpochReport> History, int BestEpoch) Train(Func<Random, TrainingRows> openRows, VaeArchitecture architecture,
        TrainingSettings settings, VaeSettings vae, Action<VaeEpochReport> report, Action checkAlive, VaeWeights? startFrom = null,
        CheckpointSettings? checkpoints = null)
    {
        TorchSharpNativeLoader.EnsureInitialized();
        using var keepFreedMemory = NativeMemory.KeepFreedMemoryWhileTraining();
        if (settings.NumberOfThreads is int threads) torch.set_num_threads(threads);
        var random = new Random(settings.Seed);
        using var rows = openRows(random);

        using var initGenerator = new Generator((ulong)(uint)settings.Seed);
        using var noiseGenerator = new Generator((ulong)(uint)settings.Seed + 2);
        using var network = new VaeNetwork(architecture, initGenerator, noiseGenerator);
        if (startFrom is not null) network.ImportWeights(startFrom);
        string stage = startFrom is null ? EpochReport.TrainingStage : EpochReport.ContinuedTrainingStage;
        using var optimizer = optim.Adam(network.parameters(), settings.LearningRate, weight_decay: settings.WeightDecay);
        using var tracker = new BestEpochTracker(network, settings.EarlyStoppingPatience, rows.HasValidation);
        var resume = checkpoints?.LoadResume();
        var history = new List<VaeEpochReport>(resume?.History.Cast<VaeEpochReport>() ?? []);

        long stepsPerEpoch = (rows.TrainCount + settings.BatchSize - 1) / settings.BatchSize;
        // A continued model has been through its warm-up already.
        long warmupSteps = startFrom is null ? vae.KlWarmupEpochs * stepsPerEpoch : 0;
        long step = 0;
        double beta = vae.Beta;
        int done = 0;
        if (resume is not null)
        {
            resume.Restore(network, optimizer, noiseGenerator);
            tracker.Restore(resume.Info.BestEpoch, resume.Info.BestLoss, resume.Info.EpochsWithoutImprovement, resume.BestWeights());
            (done, step, beta) = (resume.Info.Epoch, resume.Info.VaeStep, resume.Info.VaeBeta);
            // The data order needs no saved state: replay the seeded shuffles of the epochs already done.
            for (int epoch = 1; epoch <= done; epoch++) MlpTrainer.ReplayShuffle(rows.TrainBatches(settings.BatchSize, random));
        }
        Tensor[] Terms(Tensor batch, double weight)
        {
            var (output, mean, logVariance) = network.forward(batch);
            var reconstruction = VaeLoss.Reconstruction(output, batch, architecture).mean();
            var kl = VaeLoss.Kl(mean, logVariance).mean();
            return [reconstruction + weight * kl, reconstruction, kl];
        }

        for (int epoch = done + 1; epoch <= settings.Epochs && !tracker.ShouldStop; epoch++)
        {
            var watch = Stopwatch.StartNew();
            var terms = MlpTrainer.RunEpoch(rows.TrainBatches(settings.BatchSize, random), rows.TrainCount, optimizer, checkAlive, batch =>
            {
                // Linear warm-up, step by step: beta reaches its full value after KlWarmupEpochs epochs.
                step++;
                beta = warmupSteps > 0 ? vae.Beta * Math.Min(1.0, (double)step / warmupSteps) : vae.Beta;
                return Terms(batch, beta);
            });
            watch.Stop();
            MlpTrainer.CheckFinite(terms[0], epoch, "", settings);

            double[]? validation = !rows.HasValidation ? null : MlpTrainer.EvaluateMeans(network, rows.ValidationBatches(), batch => Terms(batch, vae.Beta));
            bool isBest = tracker.Update(epoch, validation?[0] ?? terms[0]);
            var epochReport = new VaeEpochReport(epoch, settings.Epochs, terms[1], terms[2], beta, vae.Beta, validation?[1], validation?[2], watch.Elapsed, isBest, stage);
            history.Add(epochReport);
            // The checkpoint is on disk before anyone hears of the epoch.
            if (checkpoints?.DueAfter(epoch) == true)
                TrainingCheckpoint.Capture(checkpoints.Kind, checkpoints.Fingerprint, null, epoch, history, network, optimizer, noiseGenerator, tracker, step, beta).Save(checkpoints.Path!);
            report(epochReport);
        }
        tracker.RestoreBest();
        return (network.ExportWeights(), history, tracker.BestEpoch);
    }
}
