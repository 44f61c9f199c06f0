using MLNet.Autoencoders.Evaluation;
using Xunit;

namespace MLNet.Autoencoders.Tests.Evaluation;

public class HungarianAlgorithmTests
{
    [Fact]
    public void FindsTheOptimumOfSmallMatricesLikeBruteForce()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 200; trial++)
        {
            int rows = random.Next(1, 6), columns = random.Next(rows, 7);
            var cost = new double[rows, columns];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < columns; j++)
                    cost[i, j] = random.Next(-20, 21);

            var assignment = HungarianAlgorithm.Solve(cost);

            Assert.Equal(rows, assignment.Distinct().Count());
            Assert.All(assignment, column => Assert.InRange(column, 0, columns - 1));
            double total = Enumerable.Range(0, rows).Sum(i => cost[i, assignment[i]]);
            Assert.Equal(BruteForce(cost, 0, new bool[columns]), total);
        }
    }

    [Fact]
    public void RejectsMoreRowsThanColumns() =>
        Assert.Throws<ArgumentException>(() => HungarianAlgorithm.Solve(new double[3, 2]));

    private static double BruteForce(double[,] cost, int row, bool[] used)
    {
        if (row == cost.GetLength(0)) return 0;
        double best = double.PositiveInfinity;
        for (int j = 0; j < cost.GetLength(1); j++)
        {
            if (used[j]) continue;
            used[j] = true;
            best = Math.Min(best, cost[row, j] + BruteForce(cost, row + 1, used));
            used[j] = false;
        }
        return best;
    }
}
