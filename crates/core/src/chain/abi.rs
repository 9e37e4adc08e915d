//! The PoCo hub's view functions used by Result Vault, with the structs as PoCo declares them
//! (docs/design.md 3.2; `IexecLibCore_v5` in PoCo, checked against the ABI of npm `@iexec/poco`).
//! `viewTask`, `viewDeal` and `viewCategory` each return ONE dynamic struct: the return data is a tuple holding
//! an offset, not the fields flat.

alloy_sol_types::sol! {
    /// `IexecLibCore_v5.Resource`.
    #[derive(Debug, PartialEq, Eq)]
    struct Resource {
        address pointer;
        address owner;
        uint256 price;
    }

    /// `IexecLibCore_v5.Task`.
    #[derive(Debug, PartialEq, Eq)]
    struct Task {
        uint8 status;
        bytes32 dealid;
        uint256 idx;
        uint256 timeref;
        uint256 contributionDeadline;
        uint256 revealDeadline;
        uint256 finalDeadline;
        bytes32 consensusValue;
        uint256 revealCounter;
        uint256 winnerCounter;
        address[] contributors;
        bytes32 resultDigest;
        bytes results;
        uint256 resultsTimestamp;
        bytes resultsCallback;
    }

    /// `IexecLibCore_v5.Deal`.
    #[derive(Debug, PartialEq, Eq)]
    struct Deal {
        Resource app;
        Resource dataset;
        Resource workerpool;
        uint256 trust;
        uint256 category;
        bytes32 tag;
        address requester;
        address beneficiary;
        address callback;
        string params;
        uint256 startTime;
        uint256 botFirst;
        uint256 botSize;
        uint256 workerStake;
        uint256 schedulerRewardRatio;
        address sponsor;
    }

    /// `IexecLibCore_v5.Category`: `workClockTimeRef` is the category's time base in seconds
    /// (a task must be final within `FINAL_DEADLINE_RATIO` of them, docs/design.md 3.2).
    #[derive(Debug, PartialEq, Eq)]
    struct Category {
        string name;
        string description;
        uint256 workClockTimeRef;
    }

    /// The views of the hub that Result Vault reads. `viewCategory` returns ONE struct too (the
    /// flat `(string, string, uint256)` is `viewCategoryABILegacy`), and reverts for an unknown id.
    interface IexecHubViews {
        function viewTask(bytes32 id) external view returns (Task memory);
        function viewDeal(bytes32 id) external view returns (Deal memory);
        function viewCategory(uint256 id) external view returns (Category memory);
    }
}
