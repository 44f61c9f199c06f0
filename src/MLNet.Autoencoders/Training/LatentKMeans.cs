using MLNet.Autoencoders.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>The best of several k-means runs on latent rows (float64 arithmetic): the starting centres of deep clustering.</summary>
internal static class LatentKMeans
{
    private const int MaximumIterations = 300;

    /// <summary>Runs k-means <paramref name="starts"/> times from seeded k-means++ starts (Arthur &amp; Vassilvitskii 2007) and
    /// keeps the run with the smallest inertia (the sum of squared distances to the nearest centre), or, given
    /// <paramref name="partitionScore"/>, the run whose partition (each row to its nearest centre) scores highest. Ties
    /// keep the earlier run.</summary>
    /// <returns>The centres (k × L, row-major) and their inertia.</returns>
    public static (float[] Centres, double Inertia) Fit(Tensor latent, int k, int starts, Random random, Action checkAlive, Func<int[], double>? partitionScore = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = latent.to_type(ScalarType.Float64);
        var rowNorms = x.pow(2).sum(1);
        Tensor? best = null;
        double bestInertia = double.PositiveInfinity, bestScore = double.PositiveInfinity;
        for (int start = 0; start < starts; start++)
        {
            checkAlive();
            using var startScope = NewDisposeScope();
            var (centres, inertia) = Lloyd(x, rowNorms, PlusPlus(x, rowNorms, k, random), checkAlive);
            // Both ranked smallest first.
            double score = partitionScore is null ? inertia : -partitionScore(Nearest(x, rowNorms, centres));
            if (best is null || score < bestScore)
            {
                best?.Dispose();
                best = centres.MoveToOuterDisposeScope();
                bestInertia = inertia;
                bestScore = score;
            }
        }
        return (Activations.ToArray(best!.to_type(ScalarType.Float32)), bestInertia);
    }

    /// <summary>The Davies–Bouldin index of a partition of float64 [N, L] rows (Davies &amp; Bouldin 1979): the mean over
    /// clusters of max over other clusters j of (S_i + S_j) / ‖c_i − c_j‖, with c a cluster's mean and S the mean distance of
    /// its rows to c. Smaller is better; +∞ when a cluster is empty or two clusters share a mean. Computed on all rows
    /// (O(N·k)), as scikit-learn's <c>davies_bouldin_score</c>.</summary>
    internal static double DaviesBouldin(Tensor x, int[] labels, int k)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var index = tensor(labels).to_type(ScalarType.Int64);
        var (sums, counts) = Totals(x, index, k);
        if (counts.min().item<double>() == 0) return double.PositiveInfinity;
        var means = sums / counts;
        var spread = zeros(k, dtype: ScalarType.Float64).index_add_(0, index, (x - means.index_select(0, index)).pow(2).sum(1).sqrt(), 1) / counts.squeeze(1);
        var separation = cdist(means, means);
        Tensor ratios = (spread.unsqueeze(1) + spread.unsqueeze(0)) / separation;
        ratios = ratios.masked_fill(eye(k, dtype: ScalarType.Bool), double.NegativeInfinity);
        double value = ratios.amax([1]).mean().item<double>();
        return double.IsNaN(value) ? double.PositiveInfinity : value;
    }

    /// <summary>The error for a latent with fewer distinct rows than clusters.</summary>
    internal static InvalidOperationException TooFewDistinctRows(int distinct, int k) => new(
        $"The latent holds only {distinct} distinct rows, fewer than the {k} clusters (the data has too few distinct rows). Use fewer clusters.");

    /// <summary>Squared distances of every row to every centre, [N, k], clipped at 0.</summary>
    internal static Tensor SquaredDistances(Tensor x, Tensor rowNorms, Tensor centres) =>
        (rowNorms.unsqueeze(1) - 2 * x.matmul(centres.t()) + centres.pow(2).sum(1).unsqueeze(0)).clamp_min(0);

    /// <summary>Each row's nearest centre (0-based).</summary>
    internal static int[] Assign(Tensor x, Tensor centres)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x64 = x.to_type(ScalarType.Float64);
        return Nearest(x64, x64.pow(2).sum(1), centres.to_type(ScalarType.Float64));
    }

    private static int[] Nearest(Tensor x, Tensor rowNorms, Tensor centres)
    {
        using var scope = NewDisposeScope();
        return SquaredDistances(x, rowNorms, centres).argmin(1).to_type(ScalarType.Int32).data<int>().ToArray();
    }

    /// <summary>Per cluster, the sum of its rows ([k, L], the rows' type) and how many rows it has ([k, 1], float64).</summary>
    internal static (Tensor Sums, Tensor Counts) Totals(Tensor x, Tensor labels, int k) =>
        (zeros(k, x.shape[1], dtype: x.dtype).index_add_(0, labels, x, 1), bincount(labels, minlength: k).to_type(ScalarType.Float64).unsqueeze(1));

    private static Tensor PlusPlus(Tensor x, Tensor rowNorms, int k, Random random)
    {
        long n = x.shape[0];
        var chosen = new long[k];
        chosen[0] = random.NextInt64(n);
        var nearest = SquaredDistances(x, rowNorms, x[chosen[0]].unsqueeze(0)).squeeze(1);
        for (int c = 1; c < k; c++)
        {
            using var step = NewDisposeScope();
            var weights = nearest.data<double>().ToArray();
            double total = weights.Sum();
            if (!(total > 0)) throw TooFewDistinctRows(c, k);
            // D² sampling: the next centre is row i with probability weights[i] / total.
            double target = random.NextDouble() * total, running = 0;
            long pick = n - 1;
            for (long i = 0; i < n; i++)
            {
                running += weights[i];
                if (running >= target && weights[i] > 0) { pick = i; break; }
            }
            chosen[c] = pick;
            var closer = minimum(nearest, SquaredDistances(x, rowNorms, x[pick].unsqueeze(0)).squeeze(1)).MoveToOuterDisposeScope();
            nearest.Dispose();
            nearest = closer;
        }
        return x.index_select(0, tensor(chosen));
    }

    private static (Tensor Centres, double Inertia) Lloyd(Tensor x, Tensor rowNorms, Tensor centres, Action checkAlive)
    {
        int k = (int)centres.shape[0];
        Tensor? previous = null;
        double inertia = double.PositiveInfinity;
        for (int iteration = 0; iteration < MaximumIterations; iteration++)
        {
            checkAlive();
            using var step = NewDisposeScope();
            var (minimum, labels) = SquaredDistances(x, rowNorms, centres).min(1);
            inertia = minimum.sum().item<double>();
            if (previous is not null && labels.eq(previous).all().item<bool>()) break;
            previous?.Dispose();
            previous = labels.MoveToOuterDisposeScope();
            var (sums, counts) = Totals(x, labels, k);
            // An emptied cluster keeps its centre (it may win rows back at the next step).
            var updated = where(counts > 0, sums / counts.clamp_min(1), centres).MoveToOuterDisposeScope();
            centres.Dispose();
            centres = updated;
        }
        return (centres, inertia);
    }
}
