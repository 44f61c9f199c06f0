using System.Diagnostics;
using MLNet.Autoencoders.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>What the clustering phase produced: the centres (k × L, row-major), the k-means start's inertia, each update's
/// report and the rows' final clusters (0-based).</summary>
internal sealed record IdecResult(float[] Centres, double InitialInertia, IReadOnlyList<DeepClusteringUpdate> History, int[] Assignments, string StopReason);

/// <summary>
/// IDEC (Guo, Gao, Liu &amp; Yin 2017): from a pretrained autoencoder, starting centres on its latent (k-means, or the
/// clusters of its manifold layout: <see cref="ManifoldStart"/>), then encoder, decoder
/// and centres trained together on reconstruction + γ · KL(P ‖ Q). Q is the Student's t soft assignment of each latent row to
/// the centres (DEC, Xie, Girshick &amp; Farhadi 2016); P is the sharpened target q²/f normalised per row (f = cluster
/// frequencies), recomputed over all rows every <see cref="IdecSettings.UpdateInterval"/> iterations and held fixed between.
/// </summary>
internal static class IdecTrainer
{
    private const int EvaluationBatchSize = 1024;

    public static IdecResult Train(MlpAutoencoderNetwork network, Tensor all, IdecSettings s, Action<DeepClusteringUpdate> report, Action checkAlive)
    {
        var random = new Random(s.Seed);
        long n = all.shape[0];
        var watch = Stopwatch.StartNew();

        // The starting clusters on the pretrained latent.
        float[] initial;
        double inertia;
        int[]? heldLabels = null;
        using (var latent = EncodeAll(network, all))
        {
            if (s.Initialization == DeepClusteringInitialization.Manifold)
                (initial, inertia, heldLabels) = ManifoldStart.Fit(latent, s.Clusters, s.ManifoldNeighbors, s.ManifoldLayouts, s.KMeansStarts, s.ManifoldRunSelection, s.BalancedClusters, random, checkAlive);
            else
                (initial, inertia) = LatentKMeans.Fit(latent, s.Clusters, s.KMeansStarts, random, checkAlive);
        }
        // A manifold start holds the target at its clusters for the first third of the epochs, so the encoder learns them
        // before the self-training target takes over.
        int heldEpochs = heldLabels is null ? 0 : HeldEpochs(s.MaximumEpochs);
        // Only the training steps keep freed memory: the start's large, short-lived blocks (the neighbour search's distance
        // rows) fragmented the heap with mapping off — 70,000 rows peaked at 15.1 GB resident with the start inside the
        // scope, 4.8 GB outside it (same clusters).
        using var keepFreedMemory = NativeMemory.KeepFreedMemoryWhileTraining();
        using var heldTarget = heldLabels is null ? null : HeldTarget(heldLabels, s.Clusters);

        int latentSize = network.Architecture.LatentSize;
        using var centres = new TorchSharp.Modules.Parameter(tensor(initial).reshape(s.Clusters, latentSize));
        using var optimizer = optim.Adam(network.parameters().Append(centres), s.LearningRate);
        var history = new List<DeepClusteringUpdate>();
        var order = Enumerable.Range(0, (int)n).Select(i => (long)i).ToArray();
        Tensor? target = null;
        int[]? assignments = null;
        int iteration = 0, lastEpoch = 1;
        double reconstructionSum = 0, klSum = 0;
        long rowsSinceUpdate = 0;
        string stop = $"after the maximum of {s.MaximumEpochs} epochs";
        try
        {
            bool stopped = false;
            for (int epoch = 1; epoch <= s.MaximumEpochs && !stopped; epoch++)
            {
                lastEpoch = epoch;
                InMemoryTrainingRows.Shuffle(order, random);
                int steps = 0;
                for (int start = 0; start < order.Length; start += s.BatchSize)
                {
                    checkAlive();
                    if (iteration % s.UpdateInterval == 0)
                    {
                        // While the target is held the rows are not re-assigned: a pass over all of them would be thrown
                        // away (at 70,000 rows and the default network, 20 passes of ~2.3 s). The first update after the
                        // hold compares with the start's clusters.
                        bool holding = epoch <= heldEpochs;
                        double? changed = null;
                        int[] labels;
                        if (holding)
                        {
                            target = heldTarget;
                            labels = heldLabels!;
                        }
                        else
                        {
                            var (newTarget, newLabels) = Targets(network, all, centres, s);
                            if (!ReferenceEquals(target, heldTarget)) target?.Dispose();
                            target = newTarget;
                            labels = newLabels;
                            changed = assignments is null ? null : Changed(assignments, labels);
                        }
                        assignments = labels;
                        var update = new DeepClusteringUpdate(history.Count + 1, iteration, epoch, changed,
                            rowsSinceUpdate > 0 ? reconstructionSum / rowsSinceUpdate : null,
                            rowsSinceUpdate > 0 ? klSum / rowsSinceUpdate : null,
                            EmptyClusters(labels, s.Clusters), watch.Elapsed);
                        history.Add(update);
                        report(update);
                        reconstructionSum = klSum = 0;
                        rowsSinceUpdate = 0;
                        if (!holding && changed < s.Tolerance)
                        {
                            stop = $"at update {update.Update}: {changed:P3} of the assignments changed, below the tolerance {s.Tolerance:P3}";
                            stopped = true;
                            break;
                        }
                    }

                    using var scope = NewDisposeScope();
                    var rows = tensor(order.AsSpan(start, Math.Min(s.BatchSize, order.Length - start)).ToArray());
                    var batch = all.index_select(0, rows);
                    var z = network.Encode(batch);
                    var reconstruction = MlpTrainer.Loss(network.DecodeLogits(z), batch, s.Loss, network.Architecture.OutputActivation);
                    var logQ = LogSoftAssignment(z, centres, s.Alpha);
                    var p = target!.index_select(0, rows);
                    var kl = (p * (p.clamp_min(1e-30).log() - logQ)).sum(1).mean();
                    var loss = reconstruction + s.Gamma * kl;
                    Gradients.Clear(optimizer);
                    loss.backward();
                    FusedAdam.Step(optimizer);
                    double r = reconstruction.item<float>(), k = kl.item<float>();
                    if (!double.IsFinite(r) || !double.IsFinite(k))
                        throw new InvalidOperationException(
                            $"Deep clustering diverged in clustering epoch {epoch} (iteration {iteration + 1}): the loss became {(double.IsFinite(r) ? k : r)}. " +
                            $"Lower the learning rate (now {s.LearningRate}) or the clustering loss weight (now {s.Gamma}), or normalize the input.");
                    int count = (int)rows.shape[0];
                    reconstructionSum += r * count;
                    klSum += k * count;
                    rowsSinceUpdate += count;
                    iteration++;
                    NativeMemory.AfterStep(++steps);
                }
                NativeMemory.ReleaseAfterEpoch();
            }

            // The final state: every row's cluster with the trained encoder and centres.
            var (last, finalLabels) = Targets(network, all, centres, s);
            last.Dispose();
            var final = new DeepClusteringUpdate(history.Count + 1, iteration, lastEpoch, Changed(assignments!, finalLabels),
                rowsSinceUpdate > 0 ? reconstructionSum / rowsSinceUpdate : null,
                rowsSinceUpdate > 0 ? klSum / rowsSinceUpdate : null,
                EmptyClusters(finalLabels, s.Clusters), watch.Elapsed);
            history.Add(final);
            report(final);
            return new IdecResult(Activations.ToArray(centres), inertia, history, finalLabels, stop);
        }
        finally
        {
            if (!ReferenceEquals(target, heldTarget)) target?.Dispose();
        }
    }

    /// <summary>How many of <paramref name="maximumEpochs"/> clustering epochs a manifold start holds the target at its
    /// clusters: the first third.</summary>
    internal static int HeldEpochs(int maximumEpochs) => maximumEpochs / 3;

    /// <summary>log q_ij: the Student's t kernel (1 + ‖z_i − μ_j‖² / α)^(−(α+1)/2), normalised over j, in log space
    /// (a far row's kernel can underflow to 0 in single precision; its logarithm does not).</summary>
    internal static Tensor LogSoftAssignment(Tensor z, Tensor centres, double alpha)
    {
        var d2 = (z.unsqueeze(1) - centres.unsqueeze(0)).pow(2).sum(2);
        var logKernel = -(alpha + 1) / 2 * (d2 / alpha).log1p();
        return logKernel - logKernel.logsumexp(1, keepdim: true);
    }

    /// <summary>The target P over all rows (held without gradients) and each row's cluster (argmax of Q).</summary>
    private static (Tensor Target, int[] Labels) Targets(MlpAutoencoderNetwork network, Tensor all, Tensor centres, IdecSettings s)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var z = EncodeAll(network, all);
        var q = LogSoftAssignment(z, centres, s.Alpha).exp();
        var weight = q.pow(2) / q.sum(0, keepdim: true);
        var p = weight / weight.sum(1, keepdim: true);
        var labels = q.argmax(1).to_type(ScalarType.Int32);
        return (p.MoveToOuterDisposeScope(), labels.data<int>().ToArray());
    }

    /// <summary>The held target: each row's start cluster with probability 1 − ε, the rest spread evenly (ε = 0.1), so
    /// the KL term stays finite.</summary>
    private static Tensor HeldTarget(int[] labels, int k)
    {
        const float Smoothing = 0.1f;
        using var scope = NewDisposeScope();
        var oneHot = nn.functional.one_hot(tensor(labels).to_type(ScalarType.Int64), k).to_type(ScalarType.Float32);
        return (oneHot * (1 - Smoothing) + Smoothing / k).MoveToOuterDisposeScope();
    }

    /// <summary>The latent of every row, [N, L], in evaluation mode without gradients.</summary>
    internal static Tensor EncodeAll(MlpAutoencoderNetwork network, Tensor all)
    {
        network.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var parts = new List<Tensor>();
            for (long start = 0; start < all.shape[0]; start += EvaluationBatchSize)
            {
                // A scope per batch frees its hidden activations (1024 × 3,000 values for the default network) at once.
                using var batch = NewDisposeScope();
                parts.Add(network.Encode(all.narrow(0, start, Math.Min(EvaluationBatchSize, all.shape[0] - start))).MoveToOuterDisposeScope());
            }
            return cat(parts, 0).MoveToOuterDisposeScope();
        }
        finally
        {
            network.train();
        }
    }

    private static double Changed(int[] before, int[] after)
    {
        int changed = 0;
        for (int i = 0; i < before.Length; i++)
            if (before[i] != after[i]) changed++;
        return (double)changed / before.Length;
    }

    private static int EmptyClusters(int[] labels, int k)
    {
        var used = new bool[k];
        foreach (int label in labels) used[label] = true;
        return used.Count(u => !u);
    }
}
