// SPDX-License-Identifier: Apache-2.0
// A stand-in for the PoCo hub's views, for the tests: the same function signatures and struct
// layouts as PoCo's IexecLibCore_v5 (docs/design.md 3.2), filled by setters.
pragma solidity ^0.8.20;

contract MockHub {
    struct Resource { address pointer; address owner; uint256 price; }
    struct Task {
        uint8 status; bytes32 dealid; uint256 idx; uint256 timeref; uint256 contributionDeadline;
        uint256 revealDeadline; uint256 finalDeadline; bytes32 consensusValue; uint256 revealCounter;
        uint256 winnerCounter; address[] contributors; bytes32 resultDigest; bytes results;
        uint256 resultsTimestamp; bytes resultsCallback;
    }
    struct Deal {
        Resource app; Resource dataset; Resource workerpool; uint256 trust; uint256 category;
        bytes32 tag; address requester; address beneficiary; address callback; string params;
        uint256 startTime; uint256 botFirst; uint256 botSize; uint256 workerStake;
        uint256 schedulerRewardRatio; address sponsor;
    }

    // IexecLibCore_v5.Category: workClockTimeRef is the category's time base in seconds.
    struct Category { string name; string description; uint256 workClockTimeRef; }

    mapping(bytes32 => Task) private tasks;
    mapping(bytes32 => Deal) private deals;
    // Categories by id; `exists` stands for PoCo's `catid < m_categories.length`.
    mapping(uint256 => Category) private categories;
    mapping(uint256 => bool) private categoryExists;

    function setTask(bytes32 id, Task calldata t) external { tasks[id] = t; }
    function setDeal(bytes32 id, Deal calldata d) external { deals[id] = d; }
    function setCategory(uint256 id, Category calldata c) external { categories[id] = c; categoryExists[id] = true; }
    function viewTask(bytes32 id) external view returns (Task memory) { return tasks[id]; }
    function viewDeal(bytes32 id) external view returns (Deal memory) { return deals[id]; }
    // As PoCo's IexecPocoAccessorsFacet: ONE struct, and a revert without reason for an unknown id.
    function viewCategory(uint256 id) external view returns (Category memory) {
        if (!categoryExists[id]) revert();
        return categories[id];
    }
    // PoCo's constant FINAL_DEADLINE_RATIO, as its view final_deadline_ratio() returns it.
    function final_deadline_ratio() external pure returns (uint256) { return 10; }
}
